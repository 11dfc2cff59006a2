"""The TAK bridge: Cursor on Target to and from a TAK server or mesh, through pytak.

`TakBridge` connects with `pytak.protocol_factory` (tcp://, tls://, udp:// unicast, broadcast
or multicast such as udp://239.2.3.1:6969), sends the CoT events a source gives it every few
seconds with pytak's `TXWorker`, and reads what TAK clients send with pytak's `RXWorker`
framing: friendly ground units (`a-f-G-...`) land in its `UnitsLayer` (in memory; see
`command.interop.cot` for why they are not journaled). CoT is sent as XML (TAK protocol
version 0), which every TAK server and client reads. No Qt: the console and `baton tak` both
run it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlparse

with warnings.catch_warnings():
    # pytak warns at import that aiohttp (for TAK server enrolment and its REST API) is not
    # installed; the bridge uses neither, only its CoT socket clients.
    warnings.filterwarnings("ignore", message=".*aiohttp.*", category=UserWarning)
    import pytak

from command.errors import BatonError
from command.interop.cot import CotError, UnitPosition, UnitsLayer, split_stream, unit_position

log = logging.getLogger(__name__)

Source = Callable[[float], list[bytes]]
"""Called with the wall time at each tick: the CoT events to send now."""
SCHEMES = ("tcp", "tls", "ssl", "udp", "udp+wo", "udp+broadcast", "udp+multicast", "tcp+wo")


def check_url(url: str) -> str:
    """`url` if it names a TAK endpoint pytak can open; otherwise a one-line `BatonError`."""
    parsed = urlparse(url)
    if parsed.scheme.lower() not in SCHEMES or not parsed.hostname or not parsed.port:
        raise BatonError(
            f"TAK endpoint {url!r} is not of the form tcp://HOST:PORT, tls://HOST:PORT or "
            "udp://HOST:PORT (e.g. udp://239.2.3.1:6969 for the SA mesh)"
        )
    return url


class TakBridge:
    """One connection to a TAK server or mesh: sends a source's CoT, keeps reported units."""

    def __init__(
        self,
        url: str,
        *,
        units: UnitsLayer | None = None,
        on_unit: Callable[[UnitPosition], None] | None = None,
        clock: Callable[[], float] = time.time,
        extra_config: dict[str, str] | None = None,
    ) -> None:
        self.url = check_url(url)
        self.units = units if units is not None else UnitsLayer()
        self.on_unit = on_unit
        self.clock = clock
        self.config: dict[str, str] = {"COT_URL": url, "TAK_PROTO": "0", **(extra_config or {})}
        self.sent = 0
        self.received = 0
        self.refused = 0
        self._reader: Any = None
        self._writer: Any = None
        self._tx: pytak.TXWorker | None = None
        self._rx: pytak.RXWorker | None = None

    async def connect(self) -> None:
        """Open the connection (`BatonError` in one line when it cannot be opened)."""
        try:
            self._reader, self._writer = await pytak.protocol_factory(self.config)
        except (OSError, SyntaxError, ValueError) as err:
            raise BatonError(f"cannot reach TAK at {self.url}: {err}") from None
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        if self._writer is not None:
            self._tx = pytak.TXWorker(queue, self.config, self._writer)
        if self._reader is not None:
            self._rx = _Reader(queue, self.config, self._reader)

    async def send(self, events: Iterable[bytes]) -> int:
        """Send CoT events now; returns how many."""
        if self._tx is None:
            raise BatonError(f"not connected to TAK at {self.url}")
        n = 0
        for data in events:
            await self._tx.send_data(data)
            n += 1
        self.sent += n
        return n

    def take(self, raw: bytes) -> UnitPosition | None:
        """Read one received CoT event; a friendly ground unit goes into the layer."""
        self.received += 1
        try:
            unit = unit_position(raw, self.clock())
        except CotError as err:
            self.refused += 1
            log.info("TAK event refused: %s", err)
            return None
        if unit is not None and self.units.update(unit) and self.on_unit is not None:
            self.on_unit(unit)
        return unit

    async def receive(self) -> None:
        """Read events until the connection closes."""
        if self._rx is None:
            return
        buffer = b""
        while True:
            try:
                data = await self._rx.readcot()
            except (asyncio.LimitOverrunError, ValueError):
                log.warning("TAK sent an event past the size limit; closing")
                return
            except OSError:
                return
            if not data:
                return
            events, buffer = split_stream(buffer + bytes(data))
            for raw in events:
                self.take(raw)

    async def run(
        self,
        source: Source,
        *,
        every: float = 2.0,
        duration: float | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        """Connect, then send `source`'s events every `every` seconds while receiving, until
        `stop` is set, `duration` seconds pass, or TAK closes the connection."""
        await self.connect()
        stop = stop or asyncio.Event()
        reading = asyncio.ensure_future(self.receive())
        started = self.clock()
        try:
            while not stop.is_set():
                await self.send(source(self.clock()))
                if duration is not None and self.clock() - started >= duration:
                    break
                waiter = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait(
                    {waiter, reading}, timeout=every, return_when=asyncio.FIRST_COMPLETED
                )
                waiter.cancel()
                if reading in done and self._is_stream():
                    break  # the server hung up
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reading
            await self.close()

    def _is_stream(self) -> bool:
        return hasattr(self._reader, "readuntil")

    async def close(self) -> None:
        """Close the connection."""
        writer, self._writer = self._writer, None
        self._tx = self._rx = None
        if writer is None:
            return
        with contextlib.suppress(Exception):
            writer.close()
            if hasattr(writer, "wait_closed"):
                await asyncio.wait_for(writer.wait_closed(), 2.0)


class _Reader(pytak.RXWorker):  # type: ignore[misc]
    """pytak's reader, used for its CoT framing only (the bridge consumes what it reads)."""

    async def handle_data(self, data: bytes) -> None:  # pragma: no cover - never queued
        del data
