"""`baton demo` works from any working directory (issue #13, item 10).

Started from a folder holding its own `data/`, `ui/` and `command/` packages, the demo's
stations and simulator used to die with `ImportError: cannot import name 'DATA_DIR' from 'data'`
(`python -m` puts the working directory first on `sys.path`). The installed `baton` script runs
a short headless demo there; it must exit 0 with every journal verified and no ImportError in
its output or in any child's log.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.system.demo_procs import MARK, finish, kill_marked, marked, new_mark

pytestmark = pytest.mark.system

BATON = Path(sys.executable).with_name("baton")
TIMEOUT_S = 90.0
# 15 s: with 5, the four stations of a loaded machine had not all opened their journals yet


@pytest.mark.timeout(150)
def test_headless_demo_from_a_folder_with_its_own_data_package(tmp_path: Path) -> None:
    cwd = tmp_path / "work"
    for shadow in ("data", "ui", "command"):
        (cwd / shadow).mkdir(parents=True)
        (cwd / shadow / "__init__.py").write_text("")
    store = tmp_path / "store"
    mark = new_mark()
    log = tmp_path / "demo.log"
    argv = [str(BATON), "demo", "bund", "--headless", "--duration", "15", "--data-dir", str(store)]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, MARK: mark},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        code = finish(process, TIMEOUT_S)
        assert marked(mark) == [], "processes left behind by baton demo"
    finally:
        kill_marked(mark)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, output
    assert "All journals verify" in output, output
    child_logs = {p.name: p.read_text(errors="replace") for p in store.rglob("*.log")}
    assert child_logs, f"no child logs under {store}"
    for name, text in {"demo output": output, **child_logs}.items():
        assert "ImportError" not in text and "Traceback" not in text, f"{name}:\n{text}"
    stations = list(store.rglob("stations/*.sqlite"))
    assert len(stations) == 4, stations
