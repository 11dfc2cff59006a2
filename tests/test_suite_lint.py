"""The suite lints itself (tests/lint_tests.py): no self-comparisons, no test expecting nothing."""

from __future__ import annotations

from pathlib import Path

from tests.lint_tests import lint, lint_source, suite_files

PLANTED = """
import pytest


def helper(x):
    return x * 2


def test_tautology():
    assert helper(3) == helper(3)


def test_identity():
    value = object()
    assert value is value


def test_nothing_expected():
    helper(4)


def test_raises_is_an_expectation():
    with pytest.raises(ZeroDivisionError):
        1 / 0


def test_a_checking_helper_counts():
    check_twice(helper(1))


def _local_assert(v):
    assert v


def test_a_local_helper_that_asserts_counts():
    _local_assert(helper(1))


def test_waiting_counts(qtbot):
    qtbot.waitUntil(lambda: True)


def test_two_different_sides_are_fine():
    assert helper(3) == helper(4) - 2
"""


def test_the_suite_is_clean() -> None:
    findings = lint(suite_files())
    assert [str(f) for f in findings] == []


def test_lint_catches_a_planted_tautology_and_a_test_without_assert(tmp_path: Path) -> None:
    planted = tmp_path / "test_planted.py"
    planted.write_text(PLANTED, encoding="utf-8")
    found = {(f.code, f.line) for f in lint([planted])}
    lines = PLANTED.splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if text in line)

    assert found == {
        ("self-comparison", line_of("helper(3) == helper(3)")),
        ("self-comparison", line_of("value is value")),
        ("no-expectation", line_of("def test_nothing_expected")),
    }


def test_no_expectation_check_is_only_for_test_files() -> None:
    source = "def test_like_but_in_a_helper_module():\n    pass\n"
    assert lint_source(source, Path("wiring.py")) == []
    assert [f.code for f in lint_source(source, Path("test_x.py"))] == ["no-expectation"]
