"""Signed station reports over the in-memory wire: the console applies a report only when it is
signed by the key its allow-list holds for the station and stamped within the skew; a refusal
is journaled at both ends (`message.rejected` with the code, a NACK the station journals) and
the order's state at the console does not change. Applied reports are journaled at the
console's receipt time, the station's stated time kept as `reported_at`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from command.clock import ManualClock
from command.console_post import ConsolePost
from command.journal import Journal
from command.lifecycle import OrderState
from command.reports import check_report, report_bytes, sign_report
from command.signing import Signer
from command.station_desk import AcceptAll, StationDesk
from command.vocabulary import Kind
from protocols.delivery import ConsoleWire, StationWire
from protocols.memory import MemoryNetwork
from tests.protocols.wiring import draft, incident

T0 = 1_760_000_000.0
YEAR_3170000 = 1.0e14
YEAR_1938 = -1.0e9


class Pair:
    """A console checking report signatures and one station st-a, pumped by hand."""

    def __init__(self, station_signer: Signer | None, listed: Signer, station_clock: ManualClock):
        self.clock = ManualClock(T0)
        network = MemoryNetwork()
        self.post = ConsolePost(
            Journal.in_memory(clock=self.clock, owner="console", role="console"),
            self.clock,
            Signer.generate("commander"),
            ("g1",),
            incident(("st-a",)),
        )
        self.console = ConsoleWire(
            self.post, network.console(), self.clock, report_keys={"st-a": listed.public_hex}
        )
        self.desk = StationDesk(
            Journal.in_memory(clock=station_clock, owner="st-a", role="station"),
            station_clock,
            "st-a",
            AcceptAll(),
        )
        self.station = StationWire(
            self.desk, network.station("st-a"), station_clock, signer=station_signer
        )
        self.station_clock = station_clock

    def pump(self, until: Callable[[], bool], rounds: int = 200) -> None:
        for _ in range(rounds):
            moved = self.console.pump() + self.station.pump()
            if until():
                return
            if not moved:
                self.clock.advance(0.5)
                self.station_clock.advance(0.5)
                self.console.tick(self.clock.now())
                self.station.tick(self.station_clock.now())
        raise AssertionError("condition not reached")

    def issue(self) -> str:
        issued = self.post.issue_order(draft("st-a"), decision="patrol", rationale="test")
        self.console.flush("st-a")
        order_id = issued.order.id
        self.pump(lambda: self.state(order_id) is OrderState.DELIVERED)
        return order_id

    def state(self, order_id: str) -> OrderState:
        row = self.post.journal.order(order_id)
        assert row is not None
        return row.state

    def rejected(self, journal: Journal) -> list[dict[str, object]]:
        return [dict(e.body) for e in journal.events(kinds=[Kind.MESSAGE_REJECTED])]

    def close(self) -> None:
        self.post.journal.close()
        self.desk.journal.close()


def test_signed_report_is_applied_at_the_consoles_receipt_time() -> None:
    key = Signer.generate("st-a")
    pair = Pair(key, key, ManualClock(T0 - 7.0))  # the station's clock is 7 s behind
    try:
        order_id = pair.issue()
        pair.desk.accept(order_id)
        stated = pair.station_clock.now()
        pair.station.flush()
        pair.pump(lambda: pair.state(order_id) is OrderState.ACCEPTED)
        (accept,) = pair.post.journal.events(kinds=[Kind.ORDER_ACCEPT])
        assert accept.body["detail"]["reported_at"] == stated
        assert accept.ts == pair.clock.now() and accept.ts > stated
        assert pair.rejected(pair.post.journal) == []
    finally:
        pair.close()


@pytest.mark.parametrize("signer", [Signer.generate("st-a"), None], ids=["wrong_key", "unsigned"])
def test_report_not_signed_by_the_listed_key_is_refused(signer: Signer | None) -> None:
    pair = Pair(signer, Signer.generate("st-a"), ManualClock(T0))
    try:
        order_id = pair.issue()
        pair.desk.accept(order_id)  # acknowledge and accept: two reports
        pair.station.flush()
        # Refused for good (NACKed, journaled at the station, not retried forever).
        pair.pump(lambda: len(pair.rejected(pair.desk.journal)) == 2)
        assert not pair.desk.journal.pending()
        assert pair.state(order_id) is OrderState.DELIVERED
        console_side = pair.rejected(pair.post.journal)
        assert [r["code"] for r in console_side] == ["report_signature"] * 2
        assert {r["peer"] for r in console_side} == {"st-a"}
        assert [r["code"] for r in pair.rejected(pair.desk.journal)] == ["report_signature"] * 2
    finally:
        pair.close()


@pytest.mark.parametrize("stated", [YEAR_3170000, YEAR_1938], ids=["year_3170000", "year_1938"])
def test_report_with_an_absurd_timestamp_is_refused(stated: float) -> None:
    key = Signer.generate("st-a")
    pair = Pair(key, key, ManualClock(T0))
    try:
        order_id = pair.issue()
        # A station whose clock says 1938 or year 3,170,000: its report, correctly signed.
        detail = {"note": "on it"}
        body = {"order_id": order_id, "step": "acknowledge", "ts": stated, "detail": detail}
        pair.desk.journal.enqueue("console", "REPORT", body)
        pair.station.flush()
        pair.pump(lambda: bool(pair.rejected(pair.desk.journal)))
        assert pair.state(order_id) is OrderState.DELIVERED
        (console_side,) = pair.rejected(pair.post.journal)
        assert console_side["code"] == "clock_skew"
        assert pair.rejected(pair.desk.journal)[0]["code"] == "clock_skew"
        assert all(T0 <= e.ts < T0 + 3600 for e in pair.post.journal.events())
    finally:
        pair.close()


def test_signature_covers_every_field() -> None:
    key = Signer.generate("st-a")
    args = ("st-a", "o1", "accept", T0, {"note": "on it"})
    signature = sign_report(key, *args)
    common = {"key": key.public_hex, "now": T0, "issued_at": T0 - 60, "max_skew": 30.0}
    fields = dict(zip(("station", "order_id", "step", "ts", "detail"), args, strict=True))
    assert check_report(**fields, signature=signature, **common) is None  # type: ignore[arg-type]
    for name, other in [
        ("station", "st-b"),
        ("order_id", "o2"),
        ("step", "complete"),
        ("ts", T0 + 1),
        ("detail", {"note": "not me"}),
    ]:
        changed = {**fields, name: other}
        verdict = check_report(**changed, signature=signature, **common)  # type: ignore[arg-type]
        assert verdict is not None and verdict[0] == "report_signature", name
    assert report_bytes(*args) == report_bytes("st-a", "o1", "accept", int(T0), {"note": "on it"})
