"""`baton tak --journal ... --tak tcp://...` against a loopback CoT listener started here."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from command.interop.cot import parse_event, split_stream
from tests.command.interop.picture import PENTAGON, SQUARE
from tests.command.review.journals import build_console_journal
from ui.cli import main


class Listener:
    """Accepts one TCP client on loopback and keeps every byte until it hangs up."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(20)
        self.port = self.sock.getsockname()[1]
        self.data = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(20)
            while chunk := conn.recv(65536):
                self.data += chunk

    def close(self) -> None:
        self.thread.join(20)
        self.sock.close()


def test_tak_once_sends_the_journals_zones_and_orders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = build_console_journal(tmp_path / "console.sqlite")
    zones = tmp_path / "zones.geojson"
    features = [
        {"type": "Feature", "properties": {"zone": z}, "geometry": g}
        for z, g in (("chenyi", PENTAGON), ("jinling", SQUARE))
    ]
    zones.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    listener = Listener()
    try:
        url = f"tcp://127.0.0.1:{listener.port}"
        args = ["tak", "--journal", str(journal), "--tak", url, "--zones", str(zones), "--once"]
        assert main(args) == 0
    finally:
        listener.close()
    events, rest = split_stream(listener.data)
    assert rest.strip() == b""
    roots = [parse_event(e) for e in events]
    uids = {r.get("uid") for r in roots}
    assert {"baton.zone.bund.chenyi", "baton.zone.bund.jinling"} <= uids
    assert any((r.findtext("detail/remarks") or "").startswith("ORDER ") for r in roots)
    assert "sent" in capsys.readouterr().out


def test_tak_bad_url_and_missing_units_folder_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "none.sqlite"
    assert main(["tak", "--journal", str(journal), "--tak", "http://x:1"]) == 2
    assert "tcp://HOST:PORT" in capsys.readouterr().err
    missing = tmp_path / "no-dir" / "units.geojson"
    args = ["tak", "--journal", str(journal), "--tak", "tcp://127.0.0.1:9", "--units-out"]
    assert main([*args, str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err
    assert not missing.parent.exists()
