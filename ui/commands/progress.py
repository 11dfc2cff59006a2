"""A progress bar on stderr for long reads (quiet when stderr is not a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Yield an `advance(n)` callback drawing a tqdm bar on a terminal, silent otherwise."""
    bar = tqdm(
        total=total,
        desc=description,
        unit=" events",
        file=sys.stderr,
        disable=None,  # off when stderr is not a tty
        leave=False,
        mininterval=0.25,
    )

    def advance(n: int) -> None:
        bar.update(n)

    try:
        yield advance
    finally:
        bar.close()
