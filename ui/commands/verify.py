"""`baton verify JOURNAL|RUN_DIR [--trust KEYFILE...] [--witness JOURNAL...] [--keys DIR]`.

A journal file: recompute its hash chain, checkpoints (and, with `--trust`, their policy),
observation digests, projections, outbox and inbox, and hold it against the cosignatures of the
`--witness` journals. A run folder of `baton demo`: every journal of the run, each with the
others as witnesses and the run's public keys as the trust list.

Exit 0 with one line per journal when intact; exit 1 naming the first bad seq or row. A journal
that cannot be read is a one-line `baton: ...` error (exit 2, from the dispatcher).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from command.journal import verify_journal
from command.journal.verify import read_trusted_keys
from command.journal.verify_run import verify_run

_BAR_FROM = 100_000  # events: shorter journals verify in well under a second


def register(subparsers: Any) -> None:
    """Add the `verify` subcommand."""
    parser = subparsers.add_parser(
        "verify",
        help="check a journal (or every journal of a run folder): chain, checkpoints, "
        "witnesses, projections and outbox",
        description="Recompute the hash chain of a journal, check its signed checkpoints, "
        "observation digests, projection tables, outbox and inbox against its events, and hold "
        "it against what its witnesses cosigned. Given a run folder of baton demo, verify every "
        "journal in it with the others as witnesses and the run's keys as the trust list. "
        "Exit 0 when intact, 1 naming the first bad seq or row.",
    )
    parser.add_argument(
        "journal",
        metavar="JOURNAL|RUN_DIR",
        help="path of a journal file, or a run folder (console.sqlite and stations/*.sqlite)",
    )
    parser.add_argument(
        "--trust",
        metavar="KEYFILE",
        action="append",
        help="file of trusted checkpoint public keys (hex, one a line); repeatable. With it "
        "the journal must hold checkpoints, and the policy they declare (every N events, "
        "every S seconds) must hold up to the unsigned tail. Without it, checkpoint "
        "signatures are checked but not who made them",
    )
    parser.add_argument(
        "--witness",
        metavar="JOURNAL",
        action="append",
        default=[],
        help="journal of a witness (a station for the console, the console for a station); "
        "repeatable. Every checkpoint it cosigned must match this journal",
    )
    parser.add_argument(
        "--keys",
        metavar="DIR",
        type=Path,
        help="for a run folder: the scenario folder with console/ and stations/ key files "
        "(default: two folders above a run under DATA_DIR/SCENARIO/runs/)",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar, only the result lines"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify and print the result lines."""
    trusted = None if not args.trust else read_trusted_keys(args.trust)
    target = Path(args.journal)
    if target.is_dir():
        verdict = verify_run(target, keys_dir=args.keys, trusted=trusted)
        for line in verdict.lines():
            print(line)
        return 0 if verdict.ok else 1
    bar: tqdm[Any] | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if args.quiet or total < _BAR_FROM:
                return
            bar = tqdm(total=total, unit="ev", unit_scale=True, file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    try:
        result = verify_journal(args.journal, progress, trusted=trusted, witnesses=args.witness)
    finally:
        if bar is not None:
            bar.close()
    print(result.summary(args.journal))
    return 0 if result.ok else 1
