"""Reading the files a user hands to Baton: regular files only, bounded in size, one line if not.

Every loader (scenarios, GeoJSON, CSV curves, grants, revocations, keys, trust and allow-lists,
CAP alerts) reads through `read_file_bytes` / `read_text_file`, and parses through `parse_json` /
`parse_yaml`, so a FIFO never hangs, a huge file is never read in, NaN/Infinity or deep nesting
never reach a domain object, and a YAML alias bomb is refused before anything walks it. Each
refusal is the caller's `BatonError` subclass with one line naming the file and the fix.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import yaml

from command.errors import BatonError

KB = 1024
MB = 1024 * KB

MAX_SCENARIO_BYTES = 4 * MB
"""A scenario YAML, a GeoJSON zone file or a CSV curve."""
MAX_DOCUMENT_BYTES = 1 * MB
"""A grant chain, a revocation, a trust or allow-list file."""
MAX_KEY_BYTES = 64 * KB
"""A secret or public key file."""
MAX_CAP_BYTES = 8 * MB
"""A CAP alert (it may embed resources)."""

MAX_DEPTH = 64
"""How deeply lists and mappings may nest in a JSON or YAML document."""
MAX_YAML_ALIASES = 100
"""How many `*alias` references a YAML document may hold."""
MAX_YAML_ALIAS_NODES = 10_000
"""How many values the aliases of a YAML document may add when expanded."""


class InputFileError(BatonError):
    """A file given to Baton cannot be read: missing, not a regular file, too large, malformed."""


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB"
    if n >= KB:
        return f"{n / KB:.0f} KB"
    return f"{n} bytes"


def read_file_bytes(
    path: str | Path,
    *,
    what: str,
    max_bytes: int,
    error: type[BatonError] = InputFileError,
) -> bytes:
    """The bytes of `path` when it is a regular file of at most `max_bytes`, else `error`.

    The file is opened non-blocking and checked on the open descriptor, so a FIFO, device or
    directory is refused at once (no hang, no race between the check and the read).
    """
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{p}: cannot read: no such {what} file") from None
    except IsADirectoryError:
        raise error(f"{p}: not a regular file — give the {what} file itself") from None
    except OSError as err:
        raise error(f"{p}: cannot read the {what} file ({err.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{p}: not a regular file — give the {what} file itself")
        if info.st_size > max_bytes:
            raise error(_too_large(p, what, info.st_size, max_bytes))
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as err:
        raise error(f"{p}: cannot read the {what} file ({err.strerror})") from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise error(_too_large(p, what, max_bytes, max_bytes, grew=True))
    return b"".join(chunks)


def _too_large(p: Path, what: str, size: int, limit: int, *, grew: bool = False) -> str:
    more = "more than " if grew else ""  # a file still growing as it is read
    return (
        f"{p}: {more}{_size(size)} is too large for a {what} file (at most {_size(limit)})"
        f" — check this is the {what} file you meant"
    )


def read_text_file(
    path: str | Path,
    *,
    what: str,
    max_bytes: int,
    error: type[BatonError] = InputFileError,
) -> str:
    """`read_file_bytes` decoded as UTF-8 (a leading BOM is dropped)."""
    data = read_file_bytes(path, what=what, max_bytes=max_bytes, error=error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise error(
            f"{path}: not a readable {what} file: not UTF-8 text (byte {err.start})"
        ) from None


def _first(err: Exception) -> str:
    """The first clause of an error's text (Python's int-digits message runs on)."""
    return (str(err).splitlines() or [type(err).__name__])[0].split(": ")[0]


# -- JSON -----------------------------------------------------------------------------------


class _NotANumber(ValueError):
    def __init__(self, constant: str) -> None:
        super().__init__(constant)
        self.constant = constant


def _refuse_constant(constant: str) -> Any:
    raise _NotANumber(constant)


def parse_json(
    text: str | bytes,
    *,
    name: str,
    what: str,
    max_depth: int = MAX_DEPTH,
    error: type[BatonError] = InputFileError,
) -> Any:
    """Parse strict JSON: no NaN/Infinity, nesting at most `max_depth`; else one-line `error`."""
    head = f"{name}: not a readable {what} file"
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except _NotANumber as err:
        raise error(f"{head}: {err.constant} is not a number — write a finite number") from None
    except RecursionError:
        raise error(f"{head}: nested deeper than {max_depth} levels") from None
    except json.JSONDecodeError as err:
        raise error(
            f"{head}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}"
        ) from None
    except ValueError as err:  # e.g. an integer with more digits than Python converts
        raise error(f"{head}: {_first(err)}") from None
    if _depth(value, max_depth) > max_depth:
        raise error(f"{head}: nested deeper than {max_depth} levels")
    return value


def _depth(value: Any, limit: int) -> int:
    """How deeply lists/dicts nest in `value` (iterative; stops counting past `limit`)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if not isinstance(item, (dict, list)):
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, level + 1) for child in children)
    return deepest


def load_json_file(
    path: str | Path,
    *,
    what: str,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
    error: type[BatonError] = InputFileError,
) -> Any:
    """Read and parse a JSON file with every limit above."""
    text = read_text_file(path, what=what, max_bytes=max_bytes, error=error)
    return parse_json(text, name=str(path), what=what, max_depth=max_depth, error=error)


# -- YAML -----------------------------------------------------------------------------------


class _YamlLimit(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader refusing more than `MAX_YAML_ALIASES` aliases or nesting past `max_depth`."""

    def __init__(self, stream: str, max_depth: int) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0
        self.max_depth = max_depth

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _YamlLimit(
                    f"line {mark.line + 1}: more than {MAX_YAML_ALIASES} aliases (*name)"
                    " — write the repeated values out"
                )
        return super().compose_node(parent, index)

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise _YamlLimit(f"nested deeper than {self.max_depth} levels")

    def compose_sequence_node(self, anchor: Any) -> Any:
        self._enter()
        node = super().compose_sequence_node(anchor)
        self.depth -= 1
        return node

    def compose_mapping_node(self, anchor: Any) -> Any:
        self._enter()
        node = super().compose_mapping_node(anchor)
        self.depth -= 1
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_graph(root: yaml.Node, max_depth: int) -> None:
    """Refuse a node graph that recurses, nests too deeply or that aliases blow up."""
    distinct = 0
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(key)
            if depth[key] > max_depth:
                raise _YamlLimit(f"nested deeper than {max_depth} levels")
            if size[key] - distinct > MAX_YAML_ALIAS_NODES:
                raise _YamlLimit(
                    f"aliases expand to more than {MAX_YAML_ALIAS_NODES} values (an alias bomb?)"
                    " — write the repeated values out or use fewer aliases"
                )
            continue
        if key in size:
            continue
        distinct += 1
        on_path.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in on_path:
                line = kid.start_mark.line + 1
                raise _YamlLimit(f"line {line}: an alias refers to itself — write the values out")
            if id(kid) not in size:
                stack.append((kid, False))


def parse_yaml(
    text: str,
    *,
    name: str,
    what: str,
    max_depth: int = MAX_DEPTH,
    error: type[BatonError] = InputFileError,
) -> Any:
    """Parse one YAML document safely (SafeLoader) with alias and nesting limits."""
    loader = _BoundedLoader(text, max_depth)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, max_depth)
        return loader.construct_document(node)
    except _YamlLimit as err:
        raise error(f"{name}: not a usable {what} file: {err.message}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise error(f"{name}: not valid YAML: {where}{problem}") from None
    except RecursionError:
        raise error(
            f"{name}: not a usable {what} file: nested deeper than {max_depth} levels"
        ) from None
    except ValueError as err:  # e.g. an integer with more digits than Python converts
        raise error(f"{name}: not a usable {what} file: {_first(err)}") from None
    finally:
        loader.dispose()


def load_yaml_file(
    path: str | Path,
    *,
    what: str,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    name: str | None = None,
    error: type[BatonError] = InputFileError,
) -> Any:
    """Read and parse a YAML file with every limit above; messages name it `name` or its path."""
    text = read_text_file(path, what=what, max_bytes=max_bytes, error=error)
    return parse_yaml(text, name=name or str(path), what=what, error=error)
