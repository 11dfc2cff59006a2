"""Wire messages: a header common to every message and one frozen body type per kind.

A message travels as four frames ``[b"BTN1", type, header, body]`` (see `protocols.codec`). Each
body class lists its fields with their JSON types in `FIELDS`, which the codec uses to decode
strictly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Final

JSON = Any

MAGIC: Final = b"BTN1"
SCHEMA_VERSION: Final = 1
SUPPORTED_SCHEMAS: Final = frozenset({1})


class MsgType(StrEnum):
    """The kinds of message on the order link and on the feed bus."""

    HELLO = "HELLO"
    HEARTBEAT = "HEARTBEAT"
    ORDER = "ORDER"
    CANCEL = "CANCEL"
    GRANTS = "GRANTS"
    ACK = "ACK"
    NACK = "NACK"
    REPORT = "REPORT"
    FEED = "FEED"
    SNAPSHOT_REQUEST = "SNAPSHOT_REQUEST"
    SNAPSHOT = "SNAPSHOT"
    CHECKPOINT = "CHECKPOINT"
    WITNESS = "WITNESS"
    SITE_EVENTS = "SITE_EVENTS"
    SITE_ACK = "SITE_ACK"
    SITE_HANDOVER = "SITE_HANDOVER"
    SITREP_REQUEST = "SITREP_REQUEST"


class NackCode(StrEnum):
    """Machine-readable reasons a message is refused (in NACKs and `message.rejected` lines)."""

    BAD_MAGIC = "bad_magic"
    FRAME_COUNT = "frame_count"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_SCHEMA = "unknown_schema"
    BAD_HEADER = "bad_header"
    BAD_BODY = "bad_body"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    OVERSIZED = "oversized"
    AUTH = "auth"  # the peer's key belongs to another station id
    UNEXPECTED = "unexpected"  # a well-formed message this side does not accept
    INVALID = "invalid"  # well-formed, but its content is not a valid order/report
    REPORT_SIGNATURE = "report_signature"  # a report unsigned, or not by the station's key
    CLOCK_SKEW = "clock_skew"  # a report stamped outside the console's skew bound


@dataclass(frozen=True, slots=True)
class Header:
    """What every message carries besides its body.

    `seq` numbers a sender's messages (per publisher on the feed bus); `ack_of` names the message an
    ACK/NACK answers ("" otherwise); `attempt` counts retries of the same `msg_id` from 1.
    """

    msg_id: str
    sender: str
    seq: int
    ack_of: str
    sent_ts: float
    attempt: int
    schema: int = SCHEMA_VERSION

    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {
        "msg_id": (str,),
        "sender": (str,),
        "seq": (int,),
        "ack_of": (str,),
        "sent_ts": (float, int),
        "attempt": (int,),
        "schema": (int,),
    }


@dataclass(frozen=True, slots=True)
class Hello:
    """First message after every (re)connection: who I am and what I am."""

    role: str
    name: str

    TYPE: ClassVar[MsgType] = MsgType.HELLO
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"role": (str,), "name": (str,)}


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """Sent when a link has been idle for one heartbeat interval."""

    TYPE: ClassVar[MsgType] = MsgType.HEARTBEAT
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {}


@dataclass(frozen=True, slots=True)
class OrderMsg:
    """A signed order (`Order.to_dict()`), console → station."""

    order: dict[str, JSON]

    TYPE: ClassVar[MsgType] = MsgType.ORDER
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"order": (dict,)}


@dataclass(frozen=True, slots=True)
class Cancel:
    """The commander cancels an order, console → station."""

    order_id: str
    reason: str

    TYPE: ClassVar[MsgType] = MsgType.CANCEL
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"order_id": (str,), "reason": (str,)}


@dataclass(frozen=True, slots=True)
class Grants:
    """Grant and revocation documents a station needs to verify orders, console → station."""

    documents: list[dict[str, JSON]]

    TYPE: ClassVar[MsgType] = MsgType.GRANTS
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"documents": (list,)}


@dataclass(frozen=True, slots=True)
class Ack:
    """The message named in the header's `ack_of` is safely journaled by the receiver."""

    TYPE: ClassVar[MsgType] = MsgType.ACK
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {}


@dataclass(frozen=True, slots=True)
class Nack:
    """The message named in `ack_of` (may be "" if unreadable) was refused, with a reason."""

    code: str
    text: str

    TYPE: ClassVar[MsgType] = MsgType.NACK
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"code": (str,), "text": (str,)}


@dataclass(frozen=True, slots=True)
class Report:
    """Station → console: what became of an order.

    `step` is a lifecycle step name (acknowledge, accept, decline, progress, complete, fail) or
    "rejected" (failed delegation check; `detail` has `reason` = machine code and `text`).
    `signature` is the station's Ed25519 signature over `command.reports.report_bytes` (station,
    order id, step, ts, detail); the console refuses a report whose signature is missing or bad.
    """

    order_id: str
    step: str
    ts: float
    detail: dict[str, JSON] = field(default_factory=dict)
    signature: str = ""

    TYPE: ClassVar[MsgType] = MsgType.REPORT
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {
        "order_id": (str,),
        "step": (str,),
        "ts": (float, int),
        "detail": (dict,),
        "signature": (str,),
    }


@dataclass(frozen=True, slots=True)
class FeedBatch:
    """A batch of observations (rows `[ts, feed, zone, metric, value, source]`) and signals.

    Numbered per publisher by the header's `seq`.
    """

    publisher: str
    observations: list[list[JSON]]
    signals: list[dict[str, JSON]] = field(default_factory=list)

    TYPE: ClassVar[MsgType] = MsgType.FEED
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {
        "publisher": (str,),
        "observations": (list,),
        "signals": (list,),
    }


@dataclass(frozen=True, slots=True)
class SnapshotRequest:
    """A subscriber that joined late or saw a gap asks a publisher for its current values."""

    publisher: str

    TYPE: ClassVar[MsgType] = MsgType.SNAPSHOT_REQUEST
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"publisher": (str,)}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Current value per (feed, zone, metric, source) and the signals sent so far, valid as of
    publisher sequence `as_of` (a late joiner learns of earlier alerts too).

    Sent in `parts` messages (`part` 0 .. parts-1, same `as_of`), each under the message limit;
    the subscriber applies the snapshot once it holds every part.
    """

    publisher: str
    as_of: int
    observations: list[list[JSON]]
    signals: list[dict[str, JSON]] = field(default_factory=list)  # every signal sent so far
    part: int = 0
    parts: int = 1

    TYPE: ClassVar[MsgType] = MsgType.SNAPSHOT
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {
        "publisher": (str,),
        "as_of": (int,),
        "observations": (list,),
        "signals": (list,),
        "part": (int,),
        "parts": (int,),
    }


@dataclass(frozen=True, slots=True)
class CheckpointMsg:
    """A journal's latest signed checkpoint, sent to a peer that witnesses it (both ways on the
    order link: console → station and station → console; up the centre link too).

    `latest` is a `checkpoint` event body (`command.vocabulary.Checkpoint.to_body()`);
    `prior` (or {}) is the signer's checkpoint at the size the witness last cosigned, the proof
    that the new one extends it (`command.journal.witness`). Not queued durably: only the latest
    matters, and it is sent again on every new checkpoint and after every reconnection.
    """

    latest: dict[str, JSON]
    prior: dict[str, JSON] = field(default_factory=dict)

    TYPE: ClassVar[MsgType] = MsgType.CHECKPOINT
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"latest": (dict,), "prior": (dict,)}


class WitnessVerdict(StrEnum):
    """A witness's answer to a CHECKPOINT."""

    COSIGNED = "cosigned"  # `cosignature` holds a `witness.cosigned` body
    NEED_PRIOR = "need_prior"  # send the checkpoint again with `prior` at size `size`
    REFUSED = "refused"  # `refusal` holds a `witness.refused` body (the evidence)


@dataclass(frozen=True, slots=True)
class WitnessMsg:
    """A witness's answer to a CHECKPOINT (its header's `ack_of` names it)."""

    verdict: str
    cosignature: dict[str, JSON] = field(default_factory=dict)
    refusal: dict[str, JSON] = field(default_factory=dict)
    size: int = 0

    TYPE: ClassVar[MsgType] = MsgType.WITNESS
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {
        "verdict": (str,),
        "cosignature": (dict,),
        "refusal": (dict,),
        "size": (int,),
    }


# -- the centre link (site console ⇄ operations centre) -----------------------------------------


@dataclass(frozen=True, slots=True)
class SiteEvents:
    """Site → centre: journal events in seq order, each the row as journaled
    (`{seq, ts, actor, kind, incident, body, prev_hash, hash}`), starting right after the seq
    the centre last acknowledged. `origin` names the site journal (its checkpoint origin)."""

    origin: str
    events: list[dict[str, JSON]]

    TYPE: ClassVar[MsgType] = MsgType.SITE_EVENTS
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"origin": (str,), "events": (list,)}


@dataclass(frozen=True, slots=True)
class SiteAck:
    """Centre → site: every site event through seq `through` is mirrored (cumulative);
    `hash` is the site event hash at `through` ("" when `through` is 0). Sent after each batch
    and after every HELLO, so a reconnecting site resumes right after it."""

    through: int
    hash: str = ""

    TYPE: ClassVar[MsgType] = MsgType.SITE_ACK
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"through": (int,), "hash": (str,)}


@dataclass(frozen=True, slots=True)
class SiteHandover:
    """Centre → site, durable: a handover of the site's command (`transfer` is the body of the
    centre's handover event: from, to, old_grant_id, grant, revocation, effective_at)."""

    transfer: dict[str, JSON]

    TYPE: ClassVar[MsgType] = MsgType.SITE_HANDOVER
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {"transfer": (dict,)}


@dataclass(frozen=True, slots=True)
class SitrepRequest:
    """Centre → site, durable: report the situation by `due_ts` (centre clock)."""

    sitrep_id: str
    due_ts: float
    asked_by: str
    note: str = ""

    TYPE: ClassVar[MsgType] = MsgType.SITREP_REQUEST
    FIELDS: ClassVar[dict[str, tuple[type, ...]]] = {
        "sitrep_id": (str,),
        "due_ts": (float, int),
        "asked_by": (str,),
        "note": (str,),
    }


Body = (
    Hello
    | Heartbeat
    | OrderMsg
    | Cancel
    | Grants
    | Ack
    | Nack
    | Report
    | FeedBatch
    | SnapshotRequest
    | Snapshot
    | CheckpointMsg
    | WitnessMsg
    | SiteEvents
    | SiteAck
    | SiteHandover
    | SitrepRequest
)

BODY_TYPES: Final[dict[MsgType, type[Body]]] = {
    cls.TYPE: cls
    for cls in (
        Hello,
        Heartbeat,
        OrderMsg,
        Cancel,
        Grants,
        Ack,
        Nack,
        Report,
        FeedBatch,
        SnapshotRequest,
        Snapshot,
        CheckpointMsg,
        WitnessMsg,
        SiteEvents,
        SiteAck,
        SiteHandover,
        SitrepRequest,
    )
}


@dataclass(frozen=True, slots=True)
class Message:
    """One wire message: header plus typed body."""

    header: Header
    body: Body

    @property
    def type(self) -> MsgType:
        """The message kind, from its body class."""
        return self.body.TYPE
