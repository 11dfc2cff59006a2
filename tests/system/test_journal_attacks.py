"""Attacks on the journals of a real headless demo run, each caught by `baton verify`.

One `baton demo typhoon --headless` run per session (`typhoon_run` in tests/system/conftest.py:
console, five station processes, the feed simulator; each journal checkpoints and is witnessed by
its peers over the wire); every test copies the run folder and tampers with its copy: edit,
delete, truncate, rewrite-and-drop the checkpoints, rewrite-and-re-sign with the commander's own
key (in the data dir), edit a station journal, re-queue an outbox row, edit the orders table.
The untouched copy verifies, also as `baton verify RUN_DIR`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from command.authority.keys import load_signer
from command.journal import verify_journal
from command.journal.verify import CHANGED, MISSING, read_trusted_keys
from command.journal.verify_policy import TAIL_TOO_LONG
from command.journal.verify_run import run_key_files, verify_run
from command.journal.verify_tables import OUTBOX_REQUEUED, PROJECTION
from command.journal.verify_witness import CONTRADICTED, TRUNCATED
from command.vocabulary import Kind
from tests.command.journal.forge import body_of, rewrite_and_resign
from tests.command.journal.helpers import tamper
from tests.system.demo_procs import ROOT, DemoRun


@dataclass(frozen=True)
class Run:
    """A finished demo run: its folder and its scenario's key folder."""

    run_dir: Path
    keys: Path

    @property
    def console(self) -> Path:
        return self.run_dir / "console.sqlite"

    def stations(self) -> list[Path]:
        return sorted((self.run_dir / "stations").glob("*.sqlite"))

    def trusted(self) -> frozenset[str]:
        return read_trusted_keys(run_key_files(self.keys))


@pytest.fixture(scope="module")
def demo(typhoon_run: DemoRun) -> Run:
    """The session's headless typhoon run (tests/system/conftest.py; journals closed)."""
    assert typhoon_run.code == 0, typhoon_run.output[-2000:]
    return Run(typhoon_run.run_dir, typhoon_run.directory / "data" / "typhoon")


@pytest.fixture
def run(demo: Run, tmp_path: Path) -> Run:
    """A private copy of the run folder to tamper with."""
    copy = tmp_path / "run"
    shutil.copytree(demo.run_dir, copy, ignore=shutil.ignore_patterns("logs"))
    return Run(copy, demo.keys)


def seqs_of(path: Path, kind: Kind) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT seq FROM events WHERE kind = ? ORDER BY seq", (kind.value,))
        return [int(r[0]) for r in rows]
    finally:
        conn.close()


def cosigned_head(witnesses: list[Path], owner: str) -> int:
    """The largest size the `witnesses` cosigned of `owner`'s journal (0: none)."""
    best = 0
    for path in witnesses:
        conn = sqlite3.connect(path)
        try:
            for (text,) in conn.execute(
                "SELECT body FROM events WHERE kind = ?", (Kind.WITNESS_COSIGNED.value,)
            ):
                cp = json.loads(text)["checkpoint"]
                if f"/{owner}/" in cp["origin"]:
                    best = max(best, int(cp["head_seq"]))
        finally:
            conn.close()
    return best


def forged(path: Path, seq: int) -> str:
    """Event `seq`'s body with one field added (any change of content will do)."""
    return body_of(path, seq).replace("{", '{"forged":1,', 1)


def plain_before(path: Path, seq: int) -> int:
    """The last event before `seq` that is not a checkpoint."""
    kinds = {s: k for s, k in _kinds(path)}
    return max(s for s, k in kinds.items() if s < seq and k != Kind.CHECKPOINT.value)


def _kinds(path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(path)
    try:
        return [(int(a), str(b)) for a, b in conn.execute("SELECT seq, kind FROM events")]
    finally:
        conn.close()


def commander(run: Run) -> str:
    """The console journal's owner (the commander's name in its origin)."""
    conn = sqlite3.connect(run.console)
    try:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone()[0])
    finally:
        conn.close()


def full(run: Run, journal: Path) -> tuple[str, int | None, str]:
    """(problem, first bad seq, where) of verifying `journal` as `baton verify RUN_DIR` does."""
    others = [p for p in [run.console, *run.stations()] if p != journal]
    result = verify_journal(journal, trusted=run.trusted(), witnesses=others)
    assert not result.ok, result.summary(journal)
    return result.problem, result.first_bad_seq, result.where


def test_untouched_run_verifies(run: Run) -> None:
    verdict = verify_run(run.run_dir, keys_dir=run.keys)
    assert verdict.ok, "\n".join(verdict.lines())
    console = verdict.journals[0].result
    assert console.cosignatures > 0 and len(console.witnesses) == len(run.stations())
    assert console.tables_checked and seqs_of(run.console, Kind.ORDER_ISSUED)
    cli = subprocess.run(
        [sys.executable, "-m", "ui.cli", "verify", str(run.run_dir), "--keys", str(run.keys)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "all 6 journals verify" in cli.stdout


def test_edit_is_named(run: Run) -> None:
    seq = seqs_of(run.console, Kind.ORDER_ISSUED)[0]
    tamper(run.console, (f"UPDATE events SET body = replace(body, 'a', 'b') WHERE seq = {seq}", ()))
    assert full(run, run.console)[:2] == (CHANGED, seq)
    cli = subprocess.run(
        [sys.executable, "-m", "ui.cli", "verify", str(run.run_dir), "--keys", str(run.keys)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 1 and f"seq {seq} {CHANGED}" in cli.stdout
    assert "1 of 6 journals FAIL (console)" in cli.stdout


def test_delete_is_named(run: Run) -> None:
    seq = seqs_of(run.console, Kind.ORDER_ISSUED)[0]
    tamper(run.console, f"DELETE FROM events WHERE seq = {seq}")
    assert full(run, run.console)[:2] == (MISSING, seq)


def test_truncation_is_caught_by_the_stations(run: Run) -> None:
    cut = cosigned_head(run.stations(), commander(run))
    assert cut > 1, "the stations cosigned none of the console's checkpoints"
    tamper(
        run.console,
        f"DELETE FROM events WHERE seq >= {cut}",
        f"DELETE FROM observation_batches WHERE batch >= {cut}",
    )
    alone = verify_journal(run.console, trusted=run.trusted(), tables=False)
    assert alone.ok and "(no close)" in alone.summary(run.console)  # looks like a crash
    problem, _, _ = full(run, run.console)
    assert problem == TRUNCATED, problem


def test_rewrite_and_drop_checkpoints(run: Run) -> None:
    seq = seqs_of(run.console, Kind.CHECKPOINT)[0] + 1
    rewrite_and_resign(
        run.console, seq, forged(run.console, seq), None, drop_checkpoints=True, drop_cosigned=True
    )
    assert verify_journal(run.console, tables=False).ok  # the chain alone is fooled
    alone = verify_journal(run.console, trusted=run.trusted(), tables=False)
    assert not alone.ok and alone.problem == TAIL_TOO_LONG, alone.summary(run.console)
    assert full(run, run.console)[0] == TAIL_TOO_LONG


def test_rewrite_and_resign_with_the_commanders_key(run: Run) -> None:
    (secret,) = sorted((run.keys / "console").glob("*.sign"))
    signer = load_signer(secret)
    head = cosigned_head(run.stations(), commander(run))
    seq = plain_before(run.console, head + 1)
    rewrite_and_resign(run.console, seq, forged(run.console, seq), signer, drop_cosigned=True)
    alone = verify_journal(run.console, trusted=run.trusted(), tables=False)
    assert alone.ok, alone.summary(run.console)  # re-signed: alone it passes
    problem, bad, _ = full(run, run.console)
    assert problem == CONTRADICTED and bad is not None and seq <= bad <= head


def test_station_journal_rewrite_is_caught_by_the_console(run: Run) -> None:
    heads = {p: cosigned_head([run.console], f"station/{p.stem}") for p in run.stations()}
    station = max(heads, key=lambda p: heads[p])
    assert heads[station] > 1, "the console cosigned no station checkpoint"
    (secret,) = sorted((run.keys / "stations" / station.stem).glob("*.sign"))
    seq = plain_before(station, heads[station] + 1)
    tamper(station, f"UPDATE events SET ts = ts + 0.5 WHERE seq = {seq}")
    assert full(run, station)[:2] == (CHANGED, seq)
    rewrite_and_resign(station, seq, body_of(station, seq), load_signer(secret), drop_cosigned=True)
    alone = verify_journal(station, trusted=run.trusted(), tables=False)
    assert alone.ok, alone.summary(station)
    assert full(run, station)[0] == CONTRADICTED


def test_requeued_order_in_the_outbox(run: Run) -> None:
    conn = sqlite3.connect(run.console)
    (msg_id,) = conn.execute(
        "SELECT msg_id FROM outbox WHERE msg_type = 'order' AND acked_at IS NOT NULL LIMIT 1"
    ).fetchone()
    conn.close()
    tamper(run.console, (f"UPDATE outbox SET acked_at = NULL WHERE msg_id = '{msg_id}'", ()))
    assert full(run, run.console) == (OUTBOX_REQUEUED, None, f"outbox row {msg_id}")


def test_edited_orders_table(run: Run) -> None:
    conn = sqlite3.connect(run.console)
    (key,) = conn.execute("SELECT key FROM orders LIMIT 1").fetchone()
    conn.close()
    tamper(
        run.console,
        (
            f"UPDATE orders SET doc = replace(doc, '\"open\":', '\"open_\":') WHERE key = '{key}'",
            (),
        ),
    )
    assert full(run, run.console) == (PROJECTION, None, f"orders row {key}")
