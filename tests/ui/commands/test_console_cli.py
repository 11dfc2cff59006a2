"""`baton console` on the command line: a bounded headless run with its summary, a restart that
continues the incident's clock, bad input as one clear line; MQTT feeds through a real broker."""

from __future__ import annotations

from pathlib import Path

import paho.mqtt.publish as paho_publish
import pytest

from command.journal import Journal
from protocols.mqtt_feeds import PASSWORD_ENV
from tests.protocols.mqtt_broker import (
    MOSQUITTO,
    MOSQUITTO_PASSWD,
    PASSWORD,
    SKIP_REASON,
    USER,
    running_broker,
)
from tests.system.world import free_port, free_port_pair
from ui.cli import main


def kinds(path: Path, kind: str) -> list[dict[str, object]]:
    """The bodies of the journal's events of `kind`."""
    journal = Journal.open_readonly(path)
    try:
        return [e.body for e in journal.events(kinds=[kind])]
    finally:
        journal.close()


def test_baton_console_headless_runs_bounded_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "c.db"
    argv = [
        "console",
        "--scenario",
        "bund",
        "--data-dir",
        str(tmp_path / "data"),
        "--journal",
        str(journal),
        "--orders",
        f"tcp://127.0.0.1:{free_port()}",
        "--feeds",
        f"tcp://127.0.0.1:{free_port_pair()}",
        "--speed",
        "60",
        "--headless",
        "--duration",
        "0.5",
    ]
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "Orders issued 0" in out.out and "intact" in out.out
    assert "Delegation:" in out.err
    opened = kinds(journal, "incident.opened")
    assert len(opened) == 1 and opened[0]["speed"] == 60.0
    # a restart without --origin continues the incident's clock (same origin), speed and all
    argv[argv.index("--speed") + 1] = "1"
    assert main(argv) == 0
    again = capsys.readouterr()
    assert f"origin {opened[0]['origin']:.3f}, speed 60x" in again.err
    assert "continuing at that speed" in again.err
    assert len(kinds(journal, "incident.opened")) == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--speed", "0", "--speed must be a positive number"),
        ("--duration", "-1", "--duration must be zero or more"),
        ("--scenario", "no-such-scenario", "no-such-scenario"),
    ],
)
def test_baton_console_bad_input_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    argv = ["console", "--scenario", "bund", "--data-dir", str(tmp_path), "--headless"]
    argv += [option, value]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("baton: ") and "\n" not in err and message in err


def test_baton_console_takes_mqtt_feeds_by_the_scenario_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if MOSQUITTO is None or MOSQUITTO_PASSWD is None:
        pytest.skip(SKIP_REASON)
    with running_broker(tmp_path / "broker") as broker:
        # retained: the broker hands it to the console as soon as it subscribes
        paho_publish.single(
            "bund/chenyi/crowd/gate1",
            '{"count": 30500}',
            qos=1,
            retain=True,
            hostname=broker.host,
            port=broker.auth_port,
            auth={"username": USER, "password": PASSWORD},
        )
        monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
        journal = tmp_path / "c.db"
        argv = [
            "console",
            "--scenario",
            "bund",
            "--data-dir",
            str(tmp_path / "data"),
            "--journal",
            str(journal),
            "--orders",
            f"tcp://127.0.0.1:{free_port()}",
            "--feeds",
            f"tcp://127.0.0.1:{free_port_pair()}",
            "--feeds",
            f"mqtt://127.0.0.1:{broker.auth_port}",
            "--mqtt-username",
            USER,
            "--headless",
            "--duration",
            "2",
        ]
        assert main(argv) == 0
    out = capsys.readouterr()
    assert f"MQTT feed mqtt://{USER}@127.0.0.1:{broker.auth_port}/" in out.err
    assert PASSWORD not in out.err + out.out
    assert "1 messages, 1 observations, 0 refused" in out.out
    reader = Journal.open_readonly(journal)
    try:
        rows = [(o.zone, o.metric, o.value, o.source) for o in reader.observations()]
    finally:
        reader.close()
    assert rows == [("chenyi", "crowd", 30500.0, "iot:bund/chenyi/crowd/gate1")]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scenario", "typhoon", "--feeds", "mqtt://127.0.0.1:1"], "has no mqtt: rules"),
        (["--feeds", "mqtt://127.0.0.1:1", "--mqtt-ca", "ca.pem"], "a CA file is for mqtts://"),
        (["--feeds", "tcp://127.0.0.1:1", "--feeds", "tcp://127.0.0.1:3"], "one ZeroMQ feed bus"),
        (["--feeds", "mqtt://:pw@127.0.0.1:1"], "needs a user name"),
    ],
)
def test_baton_console_bad_mqtt_feeds_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    argv = ["console", "--scenario", "bund", "--data-dir", str(tmp_path), "--headless", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("baton: ") and "\n" not in err and message in err
    assert "pw" not in err
