"""Keyed, append-only row lists that tell a listener (a Qt adapter) what was inserted or changed."""

from __future__ import annotations

import copy
from typing import Generic, Protocol, Self, TypeVar


class RowListener(Protocol):
    """Receives row notifications from a `RowModel` (a Qt adapter implements this)."""

    def rows_about_to_be_inserted(self, first: int, last: int) -> None:
        """Rows first..last are about to be appended."""

    def rows_inserted(self) -> None:
        """The announced rows are now in the model."""

    def row_changed(self, row: int) -> None:
        """Row `row` has new values."""

    def about_to_reset(self) -> None:
        """The model is about to be replaced (replay seeking back)."""

    def reset_done(self) -> None:
        """The model was replaced."""


T = TypeVar("T")


class RowModel(Generic[T]):
    """An append-only list of rows, keyed, that notifies a listener of inserts and changes."""

    def __init__(self) -> None:
        self.rows: list[T] = []
        self._index: dict[str, int] = {}
        self.listener: RowListener | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def keys(self) -> list[str]:
        """The row keys, in row order."""
        return list(self._index)

    def row_of(self, key: str) -> int | None:
        """The row number of `key`, or None."""
        return self._index.get(key)

    def get(self, key: str) -> T | None:
        """The row stored under `key`, or None."""
        i = self._index.get(key)
        return None if i is None else self.rows[i]

    def _insert(self, key: str, row: T) -> int:
        i = len(self.rows)
        if self.listener:
            self.listener.rows_about_to_be_inserted(i, i)
        self.rows.append(row)
        self._index[key] = i
        if self.listener:
            self.listener.rows_inserted()
        return i

    def _update(self, key: str, row: T) -> int:
        i = self._index[key]
        self.rows[i] = row
        if self.listener:
            self.listener.row_changed(i)
        return i

    def adopt(self, other: RowModel[T]) -> None:
        """Take `other`'s rows in one reset (replay seeking back to a state folded aside)."""
        if self.listener:
            self.listener.about_to_reset()
        self.rows = list(other.rows)
        self._index = dict(other._index)
        if self.listener:
            self.listener.reset_done()

    def copy(self) -> Self:
        """A copy with its own row list and index and no listener, sharing only the frozen rows:
        folding into either leaves the other as it was (subclasses copy their own containers)."""
        new = copy.copy(self)
        new.rows = list(self.rows)
        new._index = dict(self._index)
        new.listener = None
        return new

    def copy_rows(self) -> dict[str, T]:
        """Key → row, for comparing two folds."""
        return {k: self.rows[i] for k, i in self._index.items()}
