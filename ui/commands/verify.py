"""`baton verify JOURNAL [--trust KEYFILE...]`: recompute a journal's hash chain and checkpoints.

Exit 0 with a one-line summary when intact; exit 1 naming the first bad seq and what is wrong.
A journal that cannot be read is a one-line `baton: ...` error (exit 2, from the dispatcher).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tqdm import tqdm

from command.journal import verify_journal
from command.journal.verify import read_trusted_keys

_BAR_FROM = 100_000  # events: shorter journals verify in well under a second


def register(subparsers: Any) -> None:
    """Add the `verify` subcommand."""
    parser = subparsers.add_parser(
        "verify",
        help="check a journal's hash chain, checkpoints and observation digests",
        description="Recompute the hash chain of a journal, check its signed checkpoints and "
        "observation digests. Exit 0 when intact, 1 with the first bad seq.",
    )
    parser.add_argument("journal", metavar="JOURNAL", help="path of the journal file")
    parser.add_argument(
        "--trust",
        metavar="KEYFILE",
        action="append",
        help="file of trusted checkpoint public keys (hex, one a line); repeatable. "
        "Without it, checkpoint signatures are checked but not who made them",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar, only the result line"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify and print the result line."""
    trusted = None if not args.trust else read_trusted_keys(args.trust)
    bar: tqdm[Any] | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if args.quiet or total < _BAR_FROM:
                return
            bar = tqdm(total=total, unit="ev", unit_scale=True, file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    try:
        result = verify_journal(args.journal, progress, trusted=trusted)
    finally:
        if bar is not None:
            bar.close()
    print(result.summary(args.journal))
    return 0 if result.ok else 1
