"""`baton verify RUN_DIR`: every journal of a demo run, each held against the others.

A run folder (`baton demo`, see `protocols.runtime.demo.DemoPlan`) holds the console journal
(`console.sqlite`, or another `*.sqlite` beside it) and one journal per station under
`stations/`. The run's public keys are the `*.sign.pub` files of the provisioned scenario folder
(`console/` and `stations/ID/`, `protocols.runtime.provision`); a run made under the default
layout (`DATA_DIR/SCENARIO/runs/STAMP/`) finds them two folders up, else give the folder.

Each journal is verified with every other journal of the run as its witnesses and the run's
keys as the trust list; the run passes when every journal does.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from command.errors import ValidationError
from command.files import read_text_file
from command.journal.verify import VerifyResult, read_trusted_keys, verify_journal

STATIONS = "stations"
RUNS = "runs"
KEYS_POINTER = "keys.txt"
"""A run folder's note of where its keys are (written by `baton demo`: the scenario folder)."""


@dataclass(frozen=True, slots=True)
class JournalVerdict:
    """One journal of the run and what verify said."""

    name: str
    path: Path
    result: VerifyResult

    def line(self) -> str:
        """One line for people."""
        return f"{self.name}: {self.result.summary(self.path)}"


@dataclass(frozen=True, slots=True)
class RunVerdict:
    """Every journal's verdict and the run's."""

    run_dir: Path
    keys: int
    journals: tuple[JournalVerdict, ...]

    @property
    def ok(self) -> bool:
        """Every journal verifies."""
        return all(j.result.ok for j in self.journals)

    def lines(self) -> list[str]:
        """One line per journal, then the total."""
        out = [j.line() for j in self.journals]
        bad = [j.name for j in self.journals if not j.result.ok]
        if bad:
            out.append(
                f"run {self.run_dir}: {len(bad)} of {len(self.journals)} journals FAIL "
                f"({', '.join(bad)})"
            )
        else:
            out.append(
                f"run {self.run_dir}: all {len(self.journals)} journals verify, each against "
                f"the others as witnesses, checkpoints signed by the run's {self.keys} keys"
            )
        return out


def run_journals(run_dir: Path) -> list[tuple[str, Path]]:
    """(name, path) of the run's journals: the console's first, then the stations' by id."""
    if not run_dir.is_dir():
        raise ValidationError(f"{run_dir} is not a folder; give a run folder or a journal file")
    top = sorted(run_dir.glob("*.sqlite"))
    stations = sorted((run_dir / STATIONS).glob("*.sqlite"))
    if not top and not stations:
        raise ValidationError(
            f"{run_dir} holds no journal (*.sqlite, {STATIONS}/*.sqlite); give a run folder "
            "of baton demo"
        )
    named = [(p.stem, p) for p in top] + [(f"station {p.stem}", p) for p in stations]
    return named


def run_key_files(keys_dir: Path) -> list[Path]:
    """The run's public signing keys under a provisioned scenario folder: the commander's, the
    stations' and the authorities' (an operations centre signs its journal with its own)."""
    files = (
        sorted(keys_dir.glob("console/*.sign.pub"))
        + sorted(keys_dir.glob(f"{STATIONS}/*/*.sign.pub"))
        + sorted(keys_dir.glob("authorities/*.sign.pub"))
    )
    return files or sorted(keys_dir.rglob("*.sign.pub"))


def default_keys_dir(run_dir: Path) -> Path | None:
    """The scenario folder the run's `keys.txt` names, or that of a run made under the default
    layout (`DATA_DIR/SCENARIO/runs/RUN`), else None."""
    pointer = run_dir / KEYS_POINTER
    if pointer.is_file():
        text = read_text_file(pointer, what="run keys note", max_bytes=4096, error=ValidationError)
        named = Path(text.strip())
        if named.is_dir():
            return named
    resolved = run_dir.resolve()
    if resolved.parent.name == RUNS:
        return resolved.parent.parent
    return None


def verify_run(
    run_dir: Path,
    *,
    keys_dir: Path | None = None,
    trusted: Collection[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunVerdict:
    """Verify every journal of `run_dir` against the others, trusting `trusted` or else the
    keys under `keys_dir` (default: found from the run's place). Raises `ValidationError`
    when no journal or no key is found, `JournalError` when a journal cannot be read."""
    journals = run_journals(run_dir)
    if trusted is None:
        folder = keys_dir or default_keys_dir(run_dir)
        if folder is None:
            raise ValidationError(
                f"cannot tell where the keys of run {run_dir} are; give --keys DATA_DIR/SCENARIO "
                "(the folder with console/ and stations/) or --trust KEYFILE"
            )
        files = run_key_files(folder)
        if not files:
            raise ValidationError(
                f"no public signing key (*.sign.pub) under {folder}; give --keys "
                "DATA_DIR/SCENARIO or --trust KEYFILE"
            )
        trusted = read_trusted_keys(files)
    verdicts = []
    for name, path in journals:
        if progress is not None:
            progress(name)
        others = [p for _, p in journals if p != path]
        result = verify_journal(path, trusted=trusted, witnesses=others)
        verdicts.append(JournalVerdict(name, path, result))
    return RunVerdict(run_dir, len(trusted), tuple(verdicts))
