"""The P1 comparison: the same order round trip through a local mosquitto broker (paho-mqtt).

Console publishes an order (QoS 1 or 2) → the station's client receives it and publishes an ack
with the same QoS → the console receives the ack. TCP no-delay on both clients and the broker.
Mosquitto persists to disk only periodically (autosave), while Baton commits every message with
synchronous=FULL at both ends: the comparison favours MQTT on durability.
"""

from __future__ import annotations

import queue
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.stats import Latency

PERSISTENCE_NOTE = (
    "mosquitto persists periodically (autosave_interval), Baton commits every message "
    "with synchronous=FULL at both ends"
)


def mosquitto_path() -> str | None:
    """The mosquitto broker binary, if installed (Debian package `mosquitto`)."""
    return shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def broker(persistence: bool = True) -> Iterator[int]:
    """Run a mosquitto broker on a free loopback port for the duration; yields the port."""
    binary = mosquitto_path()
    if binary is None:
        raise RuntimeError("mosquitto is not installed")
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "mosquitto.conf"
        conf.write_text(
            f"listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n"
            f"persistence {'true' if persistence else 'false'}\n"
            f"persistence_location {tmp}/\n"
        )
        proc = subprocess.Popen(
            [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.02)
            else:
                raise RuntimeError("mosquitto did not start")
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def _client(name: str, port: int) -> Any:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id=name, clean_session=True
    )
    client.connect("127.0.0.1", port)
    sock = client.socket()
    if isinstance(sock, socket.socket):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client


def round_trip(port: int, qos: int, n: int = 500, warmup: int = 50) -> Latency:
    """Order → ack round trip through the broker with `qos` on both legs."""
    console = _client("bench-console", port)
    station = _client("bench-station", port)
    acks: queue.Queue[bytes] = queue.Queue()
    ready: queue.Queue[bool] = queue.Queue()

    def on_station_message(client: Any, _userdata: Any, msg: Any) -> None:
        client.publish("baton/ack", msg.payload[:40], qos=qos)

    def on_console_message(_client: Any, _userdata: Any, msg: Any) -> None:
        acks.put(msg.payload)

    def on_subscribe(*_args: Any) -> None:
        ready.put(True)

    station.on_message = on_station_message
    station.on_subscribe = on_subscribe
    console.on_message = on_console_message
    console.on_subscribe = on_subscribe
    station.loop_start()
    console.loop_start()
    try:
        station.subscribe("baton/orders/bench", qos=qos)
        console.subscribe("baton/ack", qos=qos)
        ready.get(timeout=5)
        ready.get(timeout=5)
        payload = b"x" * 300
        samples = []
        for i in range(warmup + n):
            t0 = time.perf_counter()
            console.publish("baton/orders/bench", payload, qos=qos)
            acks.get(timeout=5)
            if i >= warmup:
                samples.append(time.perf_counter() - t0)
        return Latency.of_seconds(samples)
    finally:
        for c in (console, station):
            c.loop_stop()
            c.disconnect()


def measure_mqtt(n: int = 500) -> dict[str, Any] | None:
    """QoS 1 and QoS 2 round trips in one broker run, or None when mosquitto is absent."""
    if mosquitto_path() is None:
        return None
    try:
        import paho.mqtt.client  # noqa: F401
    except ImportError:
        return None
    from dataclasses import asdict

    with broker() as port:
        return {
            "qos1": asdict(round_trip(port, 1, n)),
            "qos2": asdict(round_trip(port, 2, n)),
            "note": PERSISTENCE_NOTE,
        }
