"""MQTT feeds: addresses and credentials; then a real mosquitto broker on loopback, published to
with paho, feeding a live bund console: the observations reach fusion and the journal (the
observations table and its `observations.batch` events), hostile payloads are refused and
reported; user/password (from the environment) and TLS with a CA file; a wrong password keeps
the console running and says so."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from command.journal import Journal
from command.model import Observation
from command.vocabulary import Kind
from protocols.commands import FeedRejected, PictureSnapshot
from protocols.engine import EngineBatch
from protocols.mqtt_feeds import (
    PASSWORD_ENV,
    MqttFeed,
    MqttFeedConfig,
    MqttFeedError,
    is_mqtt_url,
    parse_mqtt_url,
)
from protocols.runtime.console import ConsoleRuntime
from tests.protocols.mqtt_broker import PASSWORD, USER, Broker
from tests.protocols.runtime.runtime_world import live_options
from tests.waiting import wait_for

NO_ENV: dict[str, str] = {}

# -- addresses ---------------------------------------------------------------------------------


def test_mqtt_urls_and_where_credentials_come_from(tmp_path: Path) -> None:
    assert is_mqtt_url("mqtt://h") and is_mqtt_url("mqtts://h") and not is_mqtt_url("tcp://h:1")
    plain = parse_mqtt_url("mqtt://broker.city", env=NO_ENV)
    assert (plain.host, plain.port, plain.topic, plain.tls) == ("broker.city", 1883, None, False)
    assert plain.username is None and plain.password is None
    full = parse_mqtt_url("mqtt://iot:pa%40ss@10.0.0.5:1884/city/+/crowd/#", env=NO_ENV)
    assert (full.host, full.port, full.topic) == ("10.0.0.5", 1884, "city/+/crowd/#")
    assert (full.username, full.password) == ("iot", "pa@ss")
    assert "pa@ss" not in full.shown and "pa@ss" not in repr(full)
    assert full.shown == "mqtt://iot@10.0.0.5:1884/city/+/crowd/#"
    assert parse_mqtt_url("mqtt://h/a/%23", env=NO_ENV).topic == "a/#"
    assert parse_mqtt_url("mqtt://[::1]:1999/x", env=NO_ENV).host == "::1"
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    tls = parse_mqtt_url("mqtts://h/x", ca_file=ca, env=NO_ENV)
    assert (tls.port, tls.tls, tls.ca_file) == (8883, True, ca)
    # options win over the URL; the environment gives the password last
    opt = parse_mqtt_url("mqtt://u:p@h", username="v", password="q", env={PASSWORD_ENV: "from-env"})
    assert (opt.username, opt.password) == ("v", "q")
    env = parse_mqtt_url("mqtt://u@h", env={PASSWORD_ENV: "from-env"})
    assert env.password == "from-env"


@pytest.mark.parametrize(
    ("url", "kw", "why"),
    [
        ("tcp://h:1", {}, "not an MQTT address"),
        ("mqtt://", {}, "not an MQTT address"),
        ("mqtt://h:99999", {}, "out of range"),
        ("mqtt://h/a/#/b", {}, "last level"),
        ("mqtt://h/a+", {}, "stand alone"),
        ("mqtt://:secret@h", {}, "needs a user name"),
        ("mqtt://h", {"ca_file": Path("ca.pem")}, "for mqtts"),
        ("mqtts://h", {"ca_file": Path("/no/such/ca.pem")}, "no such file"),
    ],
)
def test_bad_mqtt_addresses_say_why(url: str, kw: dict[str, Any], why: str) -> None:
    with pytest.raises(MqttFeedError, match=why) as err:
        parse_mqtt_url(url, env=NO_ENV, **kw)
    assert "secret" not in str(err.value)


# -- through a broker into a console -------------------------------------------------------------


def publish(broker: Broker, messages: list[tuple[str, bytes]], **kw: Any) -> None:
    """Publish with paho (QoS 1, each acknowledged by the broker) and disconnect."""
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2)
    if "username" in kw:
        client.username_pw_set(kw["username"], kw["password"])
    if kw.get("tls"):
        client.tls_set(ca_certs=str(broker.ca_file))
    client.connect(broker.host, kw.get("port", broker.port), keepalive=10)
    client.loop_start()
    try:
        for topic, body in messages:
            client.publish(topic, body, qos=1).wait_for_publish(timeout=5)
    finally:
        client.disconnect()
        client.loop_stop()


def crowd(count: object) -> bytes:
    return json.dumps({"count": count}).encode()


class Console:
    """A live bund console on free loopback ports, with its batches kept."""

    def __init__(self, tmp: Path, *feeds: MqttFeedConfig) -> None:
        self.options = replace(live_options(tmp), mqtt=feeds)
        self.batches: list[EngineBatch] = []
        self.runtime = ConsoleRuntime(self.options, on_batch=self.batches.append)

    @property
    def feed(self) -> MqttFeed:
        return self.runtime.mqtt_feeds[0]

    def crowd(self, zone: str) -> tuple[int, float | None]:
        """(sources, fused value) of the zone's crowd count in the console's picture."""
        snap = self.runtime.engine.call_sync(PictureSnapshot())
        entry = snap["zones"][zone]["indicators"].get("crowd") or {}
        return int(entry.get("sources") or 0), entry.get("value")

    def rejected(self) -> list[str]:
        return [
            u.code for b in list(self.batches) for u in b.updates if isinstance(u, FeedRejected)
        ]

    def journal(self) -> tuple[list[Observation], int]:
        """The journal's MQTT observations and its observations.batch events (after stop)."""
        journal = Journal.open_readonly(self.options.journal)
        try:
            mqtt_rows = [o for o in journal.observations() if o.source.startswith("iot:")]
            batches = sum(1 for _ in journal.events(kinds=[Kind.OBSERVATIONS_BATCH.value]))
        finally:
            journal.close()
        return mqtt_rows, batches


@pytest.fixture
def console_factory(tmp_path: Path) -> Iterator[list[Console]]:
    made: list[Console] = []
    yield made
    for c in made:
        c.runtime.stop()


def start(made: list[Console], tmp: Path, *feeds: MqttFeedConfig) -> Console:
    console = Console(tmp, *feeds)
    made.append(console)
    console.runtime.start()
    return console


def test_observations_reach_fusion_and_the_journal_and_bad_ones_are_refused(
    mosquitto: Broker, tmp_path: Path, console_factory: list[Console]
) -> None:
    url = f"mqtt://127.0.0.1:{mosquitto.port}/bund/+/crowd/#"
    console = start(console_factory, tmp_path, parse_mqtt_url(url, env=NO_ENV))
    assert console.feed.wait_subscribed(10), "the console never subscribed"
    publish(
        mosquitto,
        [
            ("bund/chenyi/crowd/cam1", crowd(41000)),
            ("bund/chenyi/crowd/cam2", crowd(43000)),
            ("bund/central/crowd", crowd(20000)),
            ("bund/chenyi/crowd/cam3", b"not json"),
            ("bund/chenyi/crowd/cam4", b'{"count": NaN}'),
            ("bund/mars/crowd/cam1", crowd(5)),
            ("bund/chenyi/crowd/cam5", crowd("many")),
        ],
    )
    wait_for(
        lambda: console.crowd("chenyi") == (2, 42000.0),  # the median of the two counters
        timeout=10,
        message="both Chenyi counters in fusion",
        observe=lambda: (console.crowd("chenyi"), console.feed.stats()),
    )
    assert console.crowd("central") == (1, 20000.0)
    stats = wait_for(
        lambda: (s := console.feed.stats()).delivered == 3 and s,
        timeout=10,
        message="three observations delivered",
    )
    assert stats.connected and stats.messages == 7 and stats.observations == 3
    assert stats.refused == {"not_json": 1, "not_finite": 1, "unknown_zone": 1, "wrong_type": 1}
    wait_for(
        lambda: set(console.rejected()) == {"not_json", "not_finite", "unknown_zone", "wrong_type"},
        timeout=10,
        message="the refusals reported to the window",
    )
    assert console.feed.summary_line().endswith(
        "7 messages, 3 observations, 4 refused "
        "(not_finite 1, not_json 1, unknown_zone 1, wrong_type 1)"
    )
    console.runtime.stop()
    rows, batches = console.journal()
    assert sorted((o.zone, o.value, o.source) for o in rows) == [
        ("central", 20000.0, "iot:bund/central/crowd"),
        ("chenyi", 41000.0, "iot:bund/chenyi/crowd/cam1"),
        ("chenyi", 43000.0, "iot:bund/chenyi/crowd/cam2"),
    ]
    assert all(o.metric == "crowd" and o.feed == f"{o.zone}.crowd" for o in rows)
    assert batches >= 1
    journaled = [e for b in console.batches for e in b.events if e.kind == Kind.OBSERVATIONS_BATCH]
    assert sum(int(e.body["count"]) for e in journaled) >= 3
    assert not console.feed._thread or not console.feed._thread.is_alive()


def test_user_and_password_from_the_environment_and_tls_with_a_ca_file(
    mosquitto: Broker, tmp_path: Path, console_factory: list[Console]
) -> None:
    auth = parse_mqtt_url(
        f"mqtt://{USER}@127.0.0.1:{mosquitto.auth_port}/bund/+/crowd/#",
        env={PASSWORD_ENV: PASSWORD},
    )
    tls = parse_mqtt_url(
        f"mqtts://localhost:{mosquitto.tls_port}", ca_file=mosquitto.ca_file, env=NO_ENV
    )
    assert tls.topic is None  # the scenario's rules give the topics
    console = start(console_factory, tmp_path, auth, tls)
    feeds = console.runtime.mqtt_feeds
    assert feeds[1].topics == ["bund/+/crowd/#"]
    assert all(f.wait_subscribed(10) for f in feeds), [f.stats() for f in feeds]
    publish(
        mosquitto,
        [("bund/jinling/crowd/auth", crowd(7000))],
        port=mosquitto.auth_port,
        username=USER,
        password=PASSWORD,
    )
    publish(mosquitto, [("bund/jinling/crowd/tls", crowd(7100))], port=mosquitto.tls_port, tls=True)
    wait_for(
        lambda: console.crowd("jinling") == (2, 7050.0),
        timeout=10,
        message="both Jinling counters in fusion",
        observe=lambda: (console.crowd("jinling"), [f.stats() for f in feeds]),
    )
    console.runtime.stop()
    rows, _ = console.journal()
    assert {o.source for o in rows} == {"iot:bund/jinling/crowd/auth", "iot:bund/jinling/crowd/tls"}


def test_a_wrong_password_is_said_once_and_the_console_keeps_working(
    mosquitto: Broker,
    tmp_path: Path,
    console_factory: list[Console],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="protocols.mqtt_feeds")
    wrong = parse_mqtt_url(
        f"mqtt://{USER}:wrong@127.0.0.1:{mosquitto.auth_port}/bund/#", env=NO_ENV
    )
    console = start(console_factory, tmp_path, wrong)
    wait_for(
        lambda: "the broker refused us" in caplog.text,
        timeout=10,
        message="the refusal logged",
    )
    assert "wrong" not in caplog.text  # the password is never logged
    assert not console.feed.stats().connected and console.runtime.engine.running
    assert console.runtime.engine.call_sync(PictureSnapshot())["zones"]
