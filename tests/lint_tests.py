"""An AST lint for the test suite itself (issue #19), run by `tests/test_suite_lint.py`.

It flags two kinds of test that cannot fail for the reason they claim:

- a comparison of an expression with itself (`assert f(x) == f(x)`, `a is a`, `n <= n`):
  both sides of one comparison operator dump to the same AST;
- a test function (`test_*` in `tests/**/test_*.py`) that expects nothing: no `assert`, no
  `pytest.raises` / `pytest.warns`, no waiting expectation that fails on timeout
  (`wait_for`, `qtbot.waitUntil`, `qtbot.wait_signal`, ..., or a rig's `pump(until)`), and no
  call to a helper whose name begins with `assert_`, `check_` or `expect_` (a leading
  underscore allowed), nor to a function of the same module that does any of these.

`python -m tests.lint_tests [PATH ...]` prints the findings, one per line, and exits 1 if any.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent

EXPECTING_CALLS = frozenset(
    {
        "raises",
        "warns",
        "deprecated_call",
        "wait_for",
        "wait_until",
        "waitUntil",
        "wait_signal",
        "waitSignal",
        "wait_signals",
        "waitSignals",
        "assert_wait",
        # tests/protocols/wiring.Rig: move messages until a condition holds, else AssertionError.
        "pump",
        "pump_console",
    }
)
"""Calls (by function or method name) that fail the test when their expectation is not met."""

HELPER_PREFIX = re.compile(r"_?(assert|check|expect)_")


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding."""

    path: Path
    line: int
    code: str  # "self-comparison" or "no-expectation"
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.text}"


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def self_comparisons(tree: ast.AST, path: Path) -> Iterator[Finding]:
    """Every comparison operator whose two operands are the same expression."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for left, op, right in zip(operands, node.ops, operands[1:], strict=False):
            if ast.dump(left) == ast.dump(right):
                yield Finding(
                    path,
                    node.lineno,
                    "self-comparison",
                    f"{ast.unparse(left)} {type(op).__name__} itself",
                )


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def expects_something(
    function: FunctionNode,
    local: dict[str, FunctionNode] | None = None,
    _seen: set[str] | None = None,
) -> bool:
    """True if the function (nested definitions included) asserts or expects anything, or calls
    a function of `local` (the module's own top-level functions) that does."""
    local = local or {}
    seen = _seen if _seen is not None else {function.name}
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name) and exc.id == "AssertionError":
                return True
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in EXPECTING_CALLS or HELPER_PREFIX.match(name):
                return True
            if name == "fail" and isinstance(node.func, ast.Attribute):
                return True  # pytest.fail(...) on a branch is an expectation
            if isinstance(node.func, ast.Name) and name in local and name not in seen:
                seen.add(name)
                if expects_something(local[name], local, seen):
                    return True
    return False


def _test_functions(tree: ast.Module) -> Iterator[FunctionNode]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            yield node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    item.name.startswith("test")
                ):
                    yield item


def lint_source(source: str, path: Path) -> list[Finding]:
    """Findings in one file's source; the no-expectation check only for `test_*.py` files."""
    tree = ast.parse(source, filename=str(path))
    findings = list(self_comparisons(tree, path))
    if path.name.startswith("test_"):
        local = {
            node.name: node
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for function in _test_functions(tree):
            if not expects_something(function, local):
                findings.append(
                    Finding(
                        path,
                        function.lineno,
                        "no-expectation",
                        f"{function.name} asserts and expects nothing",
                    )
                )
    return sorted(findings, key=lambda f: (str(f.path), f.line))


def suite_files(root: Path = TESTS) -> list[Path]:
    """Every Python file of the suite under `root`."""
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def lint(paths: Iterable[Path]) -> list[Finding]:
    """Findings in all `paths`."""
    findings: list[Finding] = []
    for path in paths:
        findings.extend(lint_source(path.read_text(encoding="utf-8"), path))
    return findings


def main(argv: list[str]) -> int:
    """Print the findings for `argv` (default: the whole suite); 1 if there are any."""
    findings = lint([Path(a) for a in argv] if argv else suite_files())
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
