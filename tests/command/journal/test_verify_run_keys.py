"""Where `baton verify RUN_DIR` finds a run's keys: the run's keys.txt note, the default layout,
and the authorities' keys (an operations centre signs its journal with its own)."""

from __future__ import annotations

from pathlib import Path

from command.journal.verify_run import KEYS_POINTER, default_keys_dir, run_key_files


def _keys(folder: Path) -> None:
    for rel in ("console/chief.sign.pub", "stations/st-a/st-a.sign.pub", "authorities/d.sign.pub"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("ab" * 32 + "\n")


def test_the_run_note_names_the_keys_wherever_the_journals_went(tmp_path: Path) -> None:
    keys, run = tmp_path / "data" / "bund", tmp_path / "elsewhere" / "run"
    _keys(keys)
    run.mkdir(parents=True)
    assert default_keys_dir(run) is None
    (run / KEYS_POINTER).write_text(f"{keys}\n")
    assert default_keys_dir(run) == keys


def test_a_note_naming_no_folder_falls_back_to_the_layout(tmp_path: Path) -> None:
    run = tmp_path / "data" / "bund" / "runs" / "r1"
    run.mkdir(parents=True)
    (run / KEYS_POINTER).write_text(f"{tmp_path / 'gone'}\n")
    assert default_keys_dir(run) == (tmp_path / "data" / "bund").resolve()


def test_the_authorities_keys_are_the_runs_keys_too(tmp_path: Path) -> None:
    _keys(tmp_path)
    names = [p.name for p in run_key_files(tmp_path)]
    assert names == ["chief.sign.pub", "st-a.sign.pub", "d.sign.pub"]
