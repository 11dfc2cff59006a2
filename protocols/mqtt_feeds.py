"""MQTT feeds: a paho-mqtt client that maps a broker's messages to observations for the console.

`baton console --feeds mqtt://HOST:PORT/TOPIC` (or `mqtts://` for TLS) subscribes to TOPIC
(wildcards allowed; without a topic, to every topic the scenario's `mqtt:` rules cover) and
turns each message into observations by those rules (`command.scenarios.mqtt_mapping`).

Threads: `MqttFeed` runs paho's network loop in a thread of its own (the paho client is used by
that thread only). It never touches a zmq socket of the engine: it hands each batch of
observations to the console's engine thread as an `IngestFeed` command through `Engine.call`,
which queues it and wakes the engine with a byte on its socket pair (see `protocols.engine`).
The engine thread then puts them through the same fusion and journal path as the ZeroMQ feed
bus (`PictureEngine.ingest`: one `observations.batch` event per batch). At most one batch is in
flight: while the engine works on it the next one gathers (up to `MAX_BUFFERED` observations;
past that the oldest are dropped and counted as `overflow`).

Refused messages (see the mapping) are counted by reason (`MqttFeed.stats()`); the first of
each reason, then at most one per reason every `REPORT_EVERY_S`, is logged and sent to the
window as a `FeedRejected` update. The client reconnects on its own (backoff up to
`MAX_BACKOFF_S`), subscribing again on every connection; a broker that is down or refuses the
credentials is logged once per distinct reason, and the console keeps working.

Credentials: `mqtt://user:pass@host/...`, or `--mqtt-username`/`--mqtt-password`, or the
password from the environment variable `BATON_MQTT_PASSWORD` (which keeps it out of `ps`).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.reasoncodes import ReasonCode

from command.errors import BatonError
from command.ids import new_id
from command.model import Observation
from command.scenarios.mqtt_mapping import MqttMapper, Refusal
from protocols.commands import Command

_log = logging.getLogger(__name__)

PASSWORD_ENV = "BATON_MQTT_PASSWORD"
"""Environment variable the broker password is read from when no other is given."""
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
MAX_BUFFERED = 50_000
REPORT_EVERY_S = 10.0
MAX_BACKOFF_S = 5.0
LOOP_TIMEOUT_S = 0.05

_URL = re.compile(
    r"^(?P<scheme>mqtts?)://(?:(?P<user>[^:@/]*)(?::(?P<password>[^@/]*))?@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^:/@\[\]]+)(?::(?P<port>\d{1,5}))?(?:/(?P<topic>.*))?$"
)


class MqttFeedError(BatonError):
    """An MQTT feed address or its options are unusable."""


def is_mqtt_url(address: str) -> bool:
    """True for `mqtt://...` and `mqtts://...` addresses."""
    return address.startswith(("mqtt://", "mqtts://"))


@dataclass(frozen=True)
class MqttFeedConfig:
    """Where and how to subscribe (from `parse_mqtt_url`)."""

    host: str
    port: int
    topic: str | None = None  # None: the topics the scenario's rules cover
    tls: bool = False
    ca_file: Path | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    keepalive_s: int = 30
    qos: int = 0

    @property
    def shown(self) -> str:
        """The address without its password (for banners and logs)."""
        scheme = "mqtts" if self.tls else "mqtt"
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{user}{host}:{self.port}/{self.topic or ''}"


def parse_mqtt_url(
    url: str,
    *,
    username: str | None = None,
    password: str | None = None,
    ca_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> MqttFeedConfig:
    """`mqtt[s]://[user[:pass]@]host[:port][/topic]` plus the options; raises `MqttFeedError`.

    The topic is everything after the first `/` (so `#` needs no escaping; `%23` and `%2B` work
    too). Options win over the URL; the password comes from `env[PASSWORD_ENV]` last.
    """
    m = _URL.match(url)
    if m is None:
        raise MqttFeedError(
            f"{_redact(url)!r} is not an MQTT address: expected mqtt://HOST[:PORT][/TOPIC] "
            "or mqtts://..."
        )
    scheme = m.group("scheme")
    port = int(m.group("port") or DEFAULT_PORTS[scheme])
    if not 0 < port < 65536:
        raise MqttFeedError(f"{_redact(url)!r}: port {port} is out of range")
    topic = unquote(m.group("topic") or "") or None
    if topic is not None and ("\x00" in topic or len(topic.encode("utf-8")) > 65535):
        raise MqttFeedError(f"{_redact(url)!r}: the topic is not a valid MQTT topic filter")
    if topic is not None:
        _check_filter(topic, url)
    user = username or (unquote(m.group("user")) if m.group("user") else None)
    env = os.environ if env is None else env
    url_password = m.group("password")
    secret = password or (unquote(url_password) if url_password else None) or env.get(PASSWORD_ENV)
    if secret and not user:
        raise MqttFeedError(f"{_redact(url)!r}: a password needs a user name (--mqtt-username)")
    if ca_file is not None and scheme != "mqtts":
        raise MqttFeedError(f"{_redact(url)!r}: a CA file is for mqtts:// addresses")
    if ca_file is not None and not ca_file.is_file():
        raise MqttFeedError(f"--mqtt-ca {ca_file}: no such file")
    host = m.group("host").strip("[]")
    return MqttFeedConfig(
        host=host,
        port=port,
        topic=topic,
        tls=scheme == "mqtts",
        ca_file=ca_file,
        username=user or None,
        password=secret or None,
    )


def _check_filter(topic: str, url: str) -> None:
    levels = topic.split("/")
    for i, level in enumerate(levels):
        if level == "#" and i != len(levels) - 1:
            raise MqttFeedError(f"{_redact(url)!r}: '#' must be the last level of the topic")
        if level not in ("+", "#") and ("+" in level or "#" in level):
            raise MqttFeedError(f"{_redact(url)!r}: '+' and '#' stand alone in a topic level")


def _redact(url: str) -> str:
    return re.sub(r"^(mqtts?://[^:@/]*):[^@/]*@", r"\1:***@", url)


@dataclass(frozen=True, slots=True)
class IngestFeed(Command[int]):
    """Observations from a feed adapter thread (MQTT), put through the console's fusion and
    journal like a ZeroMQ feed batch; `refusals` are (code, one-line reason) pairs to report to
    the window. The handler returns how many observations it took."""

    publisher: str
    observations: tuple[Observation, ...] = ()
    refusals: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class MqttFeedStats:
    """Counts of one MQTT feed so far."""

    connected: bool
    connections: int
    messages: int
    observations: int
    delivered: int
    refused: Mapping[str, int]


Deliver = Callable[[IngestFeed], "Future[int]"]


class MqttFeed:
    """One broker subscription feeding the console (see the module docstring)."""

    def __init__(
        self,
        config: MqttFeedConfig,
        mapper: MqttMapper,
        deliver: Deliver,
        *,
        topics: Sequence[str] = (),
        wall: Callable[[], float] = time.time,
        name: str = "",
    ) -> None:
        self.config = config
        self.mapper = mapper
        self._deliver = deliver
        self.topics = [config.topic] if config.topic else list(dict.fromkeys(topics))
        if not self.topics:
            raise MqttFeedError(f"{config.shown}: no topic given and no scenario rule to cover")
        self._wall = wall
        self.publisher = name or f"mqtt:{config.host}:{config.port}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # guards the counters read by stats()
        self._buffer: deque[Observation] = deque()
        self._reports: list[tuple[str, str]] = []
        self._inflight: Future[int] | None = None
        self._last_report: dict[str, float] = {}
        self._since_report: Counter[str] = Counter()
        self._problems: set[str] = set()
        self._connected = False
        self._connections = 0
        self._delivered = 0
        self._overflow = 0
        self._subscribed = threading.Event()
        self._pending_subs: set[int] = set()

    # -- any thread ------------------------------------------------------------------------------

    def start(self) -> MqttFeed:
        """Start the client thread (connecting in the background)."""
        if self._thread is not None:
            raise MqttFeedError(f"{self.config.shown}: already started")
        self._thread = threading.Thread(
            target=self._run, name=f"baton-mqtt-{self.config.host}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect and end the thread (bounded by `timeout`)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                _log.error("%s: MQTT thread still running after %g s", self.config.shown, timeout)

    def wait_subscribed(self, timeout: float) -> bool:
        """True once the broker acknowledged every subscription (of the current connection)."""
        return self._subscribed.wait(timeout)

    def stats(self) -> MqttFeedStats:
        """What this feed did so far."""
        with self._lock:
            refused = Counter(self.mapper.refused)
            if self._overflow:
                refused["overflow"] += self._overflow
            return MqttFeedStats(
                connected=self._connected,
                connections=self._connections,
                messages=self.mapper.messages,
                observations=self.mapper.observations,
                delivered=self._delivered,
                refused=dict(refused),
            )

    def summary_line(self) -> str:
        """One line for a terminal."""
        s = self.stats()
        refused = sum(s.refused.values())
        why = ", ".join(f"{k} {v}" for k, v in sorted(s.refused.items()))
        return (
            f"MQTT {self.config.shown}: {s.messages} messages, {s.delivered} observations, "
            f"{refused} refused" + (f" ({why})" if why else "")
        )

    # -- the MQTT thread ---------------------------------------------------------------------------

    def _client(self) -> mqtt.Client:
        cfg = self.config
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"baton-{new_id(time.time())[-12:]}",
            protocol=mqtt.MQTTv311,
        )
        if cfg.username:
            client.username_pw_set(cfg.username, cfg.password)
        if cfg.tls:
            client.tls_set(ca_certs=str(cfg.ca_file) if cfg.ca_file else None)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        client.connect_async(cfg.host, cfg.port, keepalive=cfg.keepalive_s)
        return client

    def _run(self) -> None:
        try:
            client = self._client()
        except Exception as err:  # e.g. an unreadable CA file
            self._problem("setup", f"{self.config.shown}: cannot set up the MQTT client: {err}")
            return
        delay = 0.0
        socket_open = False
        try:
            while not self._stop.is_set():
                if not socket_open:
                    if delay and self._stop.wait(delay):
                        break
                    delay = min(MAX_BACKOFF_S, max(0.2, delay * 2))
                    try:
                        client.reconnect()
                        socket_open = True
                    except (OSError, ValueError) as err:
                        self._problem(
                            f"connect:{type(err).__name__}",
                            f"{self.config.shown}: cannot reach the broker ({err}); retrying",
                        )
                        continue
                try:
                    rc = client.loop(timeout=LOOP_TIMEOUT_S)
                except (OSError, ValueError) as err:
                    rc = MQTTErrorCode.MQTT_ERR_CONN_LOST
                    self._problem(f"loop:{type(err).__name__}", f"{self.config.shown}: {err}")
                if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    socket_open = False
                    self._set_connected(False)
                if self._connected:
                    delay = 0.0
                self._flush()
        finally:
            self._final_flush()
            try:
                client.disconnect()
                client.loop(timeout=0.01)
            except Exception:  # closing a dead connection must not stop the shutdown
                _log.debug("%s: error disconnecting", self.config.shown, exc_info=True)
            self._set_connected(False)

    def _set_connected(self, connected: bool) -> None:
        with self._lock:
            if connected:
                self._connections += 1
            self._connected = connected
        if not connected:
            self._subscribed.clear()

    def _problem(self, key: str, text: str) -> None:
        """Log a connection problem once per distinct reason (until the next connection)."""
        if key not in self._problems:
            self._problems.add(key)
            _log.warning("%s", text)

    def _on_connect(
        self,
        client: mqtt.Client,
        _userdata: Any,
        _flags: Any,
        reason: ReasonCode,
        _properties: Any,
    ) -> None:
        if reason.is_failure:
            self._problem(
                f"refused:{reason}", f"{self.config.shown}: the broker refused us: {reason}"
            )
            return
        self._problems.clear()
        self._set_connected(True)
        _log.info("%s: connected, subscribing to %s", self.config.shown, ", ".join(self.topics))
        self._pending_subs.clear()
        for topic in self.topics:
            rc, mid = client.subscribe(topic, qos=self.config.qos)
            if rc == MQTTErrorCode.MQTT_ERR_SUCCESS and mid is not None:
                self._pending_subs.add(mid)

    def _on_disconnect(self, *_: Any) -> None:
        self._set_connected(False)

    def _on_subscribe(
        self, _client: mqtt.Client, _userdata: Any, mid: int, reasons: list[ReasonCode], _p: Any
    ) -> None:
        for reason in reasons:
            if reason.is_failure:
                self._problem(
                    f"subscribe:{reason}", f"{self.config.shown}: subscription refused: {reason}"
                )
        self._pending_subs.discard(mid)
        if not self._pending_subs:
            self._subscribed.set()

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            try:
                topic = msg.topic
            except UnicodeDecodeError:
                self._refused(Refusal("bad_topic", "?", "the topic is not UTF-8"))
                return
            with self._lock:
                mapped = self.mapper.map(topic, bytes(msg.payload), self._wall())
            self._buffer.extend(mapped.observations)
            while len(self._buffer) > MAX_BUFFERED:
                self._buffer.popleft()
                self._overflow += 1
            for refusal in mapped.refusals:
                self._refused(refusal)
        except Exception:  # one message must never stop the feed
            with self._lock:
                self.mapper.refused["internal"] += 1
            _log.exception("%s: error mapping an MQTT message (continuing)", self.config.shown)

    def _refused(self, refusal: Refusal) -> None:
        if refusal.code == "bad_topic":
            with self._lock:
                self.mapper.refused[refusal.code] += 1
        code = refusal.code
        now = time.monotonic()
        last = self._last_report.get(code)
        self._since_report[code] += 1
        if last is not None and now - last < REPORT_EVERY_S:
            return
        self._last_report[code] = now
        count, self._since_report[code] = self._since_report[code], 0
        more = f" ({count} such since the last report)" if count > 1 else ""
        line = f"{refusal.line()}{more} (from {self.config.shown})"
        _log.warning("%s", line)
        self._reports.append((code, line))

    def _flush(self) -> None:
        """Hand what gathered to the engine unless a batch is still in flight."""
        inflight = self._inflight
        if inflight is not None:
            if not inflight.done():
                return
            self._inflight = None
            error = inflight.exception()
            if error is not None:
                self._problem(f"deliver:{error}", f"{self.config.shown}: not ingested: {error}")
            else:
                with self._lock:
                    self._delivered += inflight.result()
        if not self._buffer and not self._reports:
            return
        command = IngestFeed(self.publisher, tuple(self._buffer), tuple(self._reports))
        self._buffer.clear()
        self._reports = []
        self._inflight = self._deliver(command)

    def _final_flush(self, timeout: float = 2.0) -> None:
        """On stop: wait (bounded) for the batch in flight, then hand over the rest."""
        deadline = time.monotonic() + timeout
        for _ in range(2):
            inflight = self._inflight
            if inflight is not None:
                try:
                    inflight.result(max(0.0, deadline - time.monotonic()))
                except Exception:  # the engine stopped first, or too late: counted as lost
                    _log.debug("%s: last batch not ingested", self.config.shown, exc_info=True)
            self._flush()
