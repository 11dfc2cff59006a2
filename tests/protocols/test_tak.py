"""The TAK bridge against a CoT server on loopback started by the test: the server receives
the zone shapes and the orders, and a unit it sends (built with pytak) lands in the layer."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from command.errors import BatonError
from command.interop.cot import argb, parse_event, split_stream
from command.interop.publish import TakPublisher
from protocols.tak import TakBridge, check_url
from tests.command.interop.picture import GEOMETRY, picture_state

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*aiohttp.*", category=UserWarning)
    import pytak


class CotServer:
    """A TAK-server stand-in: keeps every CoT event a client sends, can send one back."""

    def __init__(self) -> None:
        self.events: list[bytes] = []
        self.got = asyncio.Event()
        self.writers: list[asyncio.StreamWriter] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        buffer = b""
        while data := await reader.read(65536):
            events, buffer = split_stream(buffer + data)
            self.events.extend(events)
            self.got.set()

    async def send(self, data: bytes) -> None:
        for w in self.writers:
            w.write(data)
            await w.drain()

    async def close(self) -> None:
        for w in self.writers:
            w.close()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


async def _until(check: object, timeout: float = 10.0) -> None:
    async def loop() -> None:
        while not check():  # type: ignore[operator]
            await asyncio.sleep(0.02)

    await asyncio.wait_for(loop(), timeout)


def test_bridge_publishes_zones_and_orders_and_takes_units_back() -> None:
    async def scenario() -> tuple[list[bytes], TakBridge]:
        server = CotServer()
        port = await server.start()
        state = picture_state()
        publisher = TakPublisher(GEOMETRY)
        bridge = TakBridge(f"tcp://127.0.0.1:{port}")
        stop = asyncio.Event()
        task = asyncio.ensure_future(
            bridge.run(lambda now: publisher.changes(state, now), every=0.05, stop=stop)
        )
        try:
            await _until(lambda: len(server.events) >= 4)  # two shapes, two orders
            unit = pytak.gen_cot(
                lat=31.2415,
                lon=121.4905,
                uid="ANDROID-test",
                cot_type="a-f-G-U-C",
                callsign="ALPHA-1",
                stale=300,
            )
            await server.send(unit)
            await _until(lambda: bridge.units.get("ANDROID-test") is not None)
        finally:
            stop.set()
            await asyncio.wait_for(task, 5.0)
            await server.close()
        return server.events, bridge

    events, bridge = asyncio.run(asyncio.wait_for(scenario(), 30.0))
    roots = [parse_event(e) for e in events]
    shapes = {r.get("uid"): r for r in roots if r.get("type", "").startswith("u-d-")}
    chenyi = shapes["baton.zone.bund-2026.z-chenyi"]
    assert chenyi.find("detail/strokeColor").get("value") == str(argb("orange"))
    assert len(chenyi.findall("detail/link")) == 5
    chats = [r.findtext("detail/remarks") or "" for r in roots if r.get("type") == "b-t-f"]
    assert any(c.startswith("ORDER o1 to On-site security: Hold entry at gates") for c in chats)
    unit = bridge.units.get("ANDROID-test")
    assert unit is not None and unit.callsign == "ALPHA-1"
    assert (round(unit.lat, 4), round(unit.lon, 4)) == (31.2415, 121.4905)
    assert bridge.sent >= 4 and bridge.refused == 0


def test_bad_endpoint_and_refused_connection_are_one_line() -> None:
    with pytest.raises(BatonError, match="tcp://HOST:PORT"):
        check_url("http://tak.example:8087")

    async def refused() -> None:
        probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = probe.sockets[0].getsockname()[1]
        probe.close()
        await probe.wait_closed()  # nothing listens there now
        await TakBridge(f"tcp://127.0.0.1:{port}").connect()

    with pytest.raises(BatonError, match=r"cannot reach TAK at tcp://127\.0\.0\.1"):
        asyncio.run(asyncio.wait_for(refused(), 10.0))
