"""Real journals for review tests: a console journal with every order outcome, fused picture
values and a decision snapshot; a station journal with refused orders."""

from __future__ import annotations

from pathlib import Path

from command.canonical import canonical_bytes
from command.clock import ManualClock
from command.journal import Journal
from command.lifecycle import Step
from command.model import (
    Decision,
    DecisionKind,
    Escalation,
    EscalationKind,
    Observation,
    Order,
    Priority,
)
from command.signing import Signer
from command.vocabulary import (
    GrantsReceived,
    IncidentOpened,
    LinkChanged,
    OrderRejected,
    PictureValues,
)

START = 1_760_000_000.0  # 2025-10-09 16:53:20 in Shanghai
TZ = "Asia/Shanghai"
ZONES = {"chenyi": "Chenyi Square", "jinling": "Jinling Road"}
OPENED = IncidentOpened(
    incident={
        "id": "bund",
        "name": "Bund light show",
        "timezone": TZ,
        "zones": [
            {"id": "chenyi", "name": "Chenyi Square", "area_m2": 10000},
            {"id": "jinling", "name": "Jinling Road", "area_m2": 5000},
        ],
        "stations": [
            {"id": "security", "name": "On-site security", "agency": "Huangpu police"},
            {"id": "lighting", "name": "Lighting control", "agency": "Culture bureau"},
        ],
    },
    commander="chief-li",
    position="Incident Commander",
    agency="Huangpu police station",
    feeds=(
        {"zone": "chenyi", "metric": "crowd", "interval_s": 30},
        {"zone": "jinling", "metric": "crowd", "interval_s": 30},
    ),
    key_metrics=(
        {
            "zone": "chenyi",
            "metric": "density",
            "title": "Density",
            "unit": "persons/m²",
            "thresholds": {"blue": 0.5, "yellow": 1.0, "orange": 1.5, "red": 2.5},
        },
        {"zone": "jinling", "metric": "density", "title": "Density", "unit": "persons/m²"},
    ),
)


def make_order(
    oid: str,
    station: str,
    kind: str,
    t: float,
    signer: Signer,
    *,
    text: str | None = None,
    decision_id: str | None = None,
) -> Order:
    """A signed order issued at `t` (accept within 2 min, done within 15); its text defaults
    to "<kind> now" and its decision to "d-<oid>"."""
    draft = Order(
        id=oid,
        incident="bund",
        station=station,
        kind=kind,
        params={"gates": 2},
        zone="chenyi",
        priority=Priority.URGENT,
        issued_at=t,
        ack_deadline=t + 120,
        due=t + 900,
        text=f"{kind} now" if text is None else text,
        grant_chain=("g1",),
        decision_id=f"d-{oid}" if decision_id is None else decision_id,
        commander="chief-li",
    )
    return Order.from_dict(
        {**draft.to_dict(), "signature": signer.sign(canonical_bytes(draft.signing_payload()))}
    )


def correct(
    j: Journal, ts: float, old: str, new: str, decision: str, rationale: str, reason: str
) -> None:
    """Journal chief-li's correction of decision `old` by a new decision `new` at `ts`."""
    fixed = Decision(
        id=new,
        incident="bund",
        ts=ts,
        author="chief-li",
        decision=decision,
        rationale=rationale,
        kind=DecisionKind.CORRECTION,
        corrects=old,
        correction_reason=reason,
    )
    j.correct_decision(old, fixed, reason)


def _values(i: int) -> dict[str, dict[str, float]]:
    return {"chenyi": {"density": 0.5 + 0.02 * i}, "jinling": {"density": 0.3 + 0.01 * i}}


def build_console_journal(path: Path, *, fused: bool = True) -> Path:
    """One hour of crowd counts (and, when `fused`, `picture.values` every 30 s); orders
    completed, declined, rejected, expired (late) and one still open and late; escalations;
    a decision whose snapshot holds the fused values journaled just before it; a correction."""
    clock = ManualClock(START)
    signer = Signer.generate("chief-li")
    j = Journal.open(path, clock=clock, owner="chief-li", role="console")
    j.append(OPENED.kind, OPENED.to_body(), actor="chief-li", incident="bund")
    for sid in ("security", "lighting"):
        j.append("station.online", {"station": sid, "detail": ""}, actor=sid)

    def tick(i: int) -> None:
        clock.advance(30)
        values = _values(i)
        j.add_observations(
            [
                Observation(clock.now(), "cam", z, "crowd", m["density"] * 10000 / (1 + k), "c")
                for k, (z, m) in enumerate(values.items())
            ]
        )
        if fused:
            body = PictureValues(values)
            j.append(body.kind, body.to_body(), actor="fusion")

    for i in range(20):
        tick(i)
    # a decision with the picture it saw: the values journaled at the last tick
    t = clock.now()
    snapshot = {
        "ts": t,
        "zones": {
            z: {
                "name": ZONES[z],
                "level": "blue",
                "indicators": {k: {"value": v, "unit": "persons/m²"} for k, v in m.items()},
            }
            for z, m in _values(19).items()
        },
    }
    orders = {
        "o-done": ("security", "hold_entry"),
        "o-declined": ("lighting", "dim_show"),
        "o-rejected": ("lighting", "stop_show"),
        "o-expired": ("security", "open_gate"),
        "o-open": ("security", "close_gate"),
    }
    for n, (oid, (station, kind)) in enumerate(orders.items()):
        decision = Decision(
            id=f"d-{oid}",
            incident="bund",
            ts=t,
            author="chief-li",
            decision=f"{kind} at {station}",
            rationale="density rising",
            kind=DecisionKind.ORDER,
            order_ids=(oid,),
            snapshot=snapshot if n == 0 else {},
        )
        j.issue_order(make_order(oid, station, kind, t, signer), decision)
    for oid in orders:
        j.record_step(oid, Step.DELIVER, actor=orders[oid][0])
    for oid in ("o-done", "o-declined", "o-open"):
        j.record_step(oid, Step.ACKNOWLEDGE, actor=orders[oid][0])
    clock.advance(10)
    j.record_step("o-done", Step.ACCEPT, actor="security")
    j.record_step("o-declined", Step.DECLINE, actor="lighting", detail={"reason": "final act"})
    j.record_step("o-rejected", Step.REJECT, actor="lighting", detail={"reason": "revoked"})
    j.record_step("o-open", Step.ACCEPT, actor="security")
    for i in range(20, 26):
        tick(i)  # past o-expired's acceptance deadline
    j.raise_escalation(
        Escalation("e1", "o-expired", "security", EscalationKind.NOT_ACCEPTED, clock.now(), "late")
    )
    clock.advance(60)
    j.record_step("o-expired", Step.EXPIRE, actor="chief-li")
    j.record_step("o-done", Step.COMPLETE, actor="security")
    for i in range(26, 60):
        tick(i)  # past o-open's due time
    j.raise_escalation(
        Escalation("e2", "o-open", "security", EscalationKind.OVERDUE, clock.now(), "overdue")
    )
    clock.advance(10)
    correct(
        j,
        clock.now(),
        "d-o-open",
        "d-fix",
        "close_gate at security and lighting",
        "both",
        "lighting left out",
    )
    j.close(signer)
    return path


def build_station_journal(path: Path) -> Path:
    """A station's journal: grants received, link up and down, one order done, one refused
    after it was received, one refused outright (the order kept), one refused unreadable."""
    clock = ManualClock(START)
    console = Signer.generate("chief-li")
    station = Signer.generate("security")
    j = Journal.open(path, clock=clock, owner="security", role="station")
    grants = GrantsReceived(({"id": "g1", "issuer": "mayor", "delegate": "chief-li"},))
    j.append(grants.kind, grants.to_body(), actor="console", incident="bund")
    link = LinkChanged("console", True)
    j.append(link.kind, link.to_body())
    clock.advance(60)
    done = make_order("s-done", "security", "hold_entry", clock.now(), console)
    j.receive_order(done, msg_id="m1", peer="console")
    for step in (Step.ACKNOWLEDGE, Step.ACCEPT, Step.START, Step.COMPLETE):
        clock.advance(20)
        j.record_step("s-done", step, actor="security")
    later = make_order("s-later", "security", "open_gate", clock.now(), console)
    j.receive_order(later, msg_id="m2", peer="console")
    clock.advance(5)
    refused = OrderRejected("s-later", "revoked", "grant g1 revoked")
    j.append(refused.kind, refused.to_body(), actor="console", incident="bund")
    clock.advance(5)
    outright = make_order("s-forged", "security", "close_gate", clock.now(), console)
    body = OrderRejected("s-forged", "bad_signature", "signature does not verify", outright)
    j.append(body.kind, body.to_body(), actor="console", incident="bund")
    garbled = OrderRejected("s-garbled", "malformed", "no station")
    j.append(garbled.kind, garbled.to_body(), actor="console", incident="bund")
    clock.advance(30)
    down = LinkChanged("console", False, "heartbeat lost")
    j.append(down.kind, down.to_body())
    j.close(station)
    return path
