"""Codec: round trips, and every kind of bad frame set refused with its reason."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocols.codec import DecodeError, _decode_checked, decode, encode, peek_msg_id
from protocols.messages import (
    MAGIC,
    Ack,
    Cancel,
    FeedBatch,
    Grants,
    Header,
    Heartbeat,
    Hello,
    Message,
    MsgType,
    Nack,
    NackCode,
    OrderMsg,
    Report,
    Snapshot,
    SnapshotRequest,
)


def _header(**kw: object) -> Header:
    base: dict[str, object] = dict(
        msg_id="m1", sender="console", seq=7, ack_of="", sent_ts=1.5, attempt=1
    )
    base.update(kw)
    return Header(**base)  # type: ignore[arg-type]


BODIES = [
    Hello(role="station", name="police"),
    Heartbeat(),
    OrderMsg(order={"id": "o1", "params": {"n": 1}}),
    Cancel(order_id="o1", reason="no longer needed"),
    Grants(documents=[{"id": "g1"}]),
    Ack(),
    Nack(code="bad_magic", text="no"),
    Report(order_id="o1", step="accept", ts=3.0, detail={"note": "on it"}),
    FeedBatch(publisher="sim", observations=[[1.0, "f", "z", "m", 2.0, "s"]], signals=[]),
    SnapshotRequest(publisher="sim"),
    Snapshot(publisher="sim", as_of=4, observations=[]),
]


@pytest.mark.parametrize("body", BODIES, ids=lambda b: type(b).__name__)
def test_round_trip(body: object) -> None:
    message = Message(_header(), body)  # type: ignore[arg-type]
    assert decode(encode(message)) == message


def _frames(**header: object) -> list[bytes]:
    return encode(Message(_header(**header), Ack()))


def _code(frames: list[bytes], max_bytes: int = 1 << 20) -> NackCode:
    with pytest.raises(DecodeError) as info:
        decode(frames, max_bytes)
    return info.value.code


def test_bad_magic() -> None:
    frames = _frames()
    assert _code([b"XXX1", *frames[1:]]) is NackCode.BAD_MAGIC


def test_wrong_frame_count() -> None:
    assert _code(_frames()[:3]) is NackCode.FRAME_COUNT
    assert _code([*_frames(), b""]) is NackCode.FRAME_COUNT


def test_unknown_type() -> None:
    frames = _frames()
    assert _code([frames[0], b"LAUNCH", *frames[2:]]) is NackCode.UNKNOWN_TYPE


def test_unknown_schema_keeps_msg_id() -> None:
    frames = _frames()
    header = json.loads(frames[2])
    header["schema"] = 99
    with pytest.raises(DecodeError) as info:
        decode([frames[0], frames[1], json.dumps(header).encode(), frames[3]])
    assert info.value.code is NackCode.UNKNOWN_SCHEMA
    assert info.value.msg_id == "m1"


def test_encode_refuses_nan_and_infinity_and_keeps_nulls() -> None:
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            encode(
                Message(
                    _header(), Report(order_id="o1", step="progress", ts=1.0, detail={"p": bad})
                )
            )
    message = Message(_header(), Report(order_id="o1", step="progress", ts=1.0, detail={"p": None}))
    frames = encode(message)
    assert json.loads(frames[3])["detail"] == {"p": None}
    assert decode(frames) == message


def test_non_finite_or_non_utf8_json_is_not_json() -> None:
    frames = encode(Message(_header(), Report(order_id="o1", step="accept", ts=3.0, detail={})))
    for body in (
        b'{"order_id":"o1","step":"accept","ts":NaN,"detail":{}}',
        b'{"order_id":"o1","step":"accept","ts":1e400,"detail":{}}',
        b'{"order_id":"o1","step":"accept","ts":1' + b"0" * 400 + b',"detail":{}}',
        b'{"order_id":"o1","step":"accept","ts":3.0,"detail":{"x":"\\ud800"}}',
        '{"order_id":"o1"}'.encode("utf-16"),
    ):
        assert _code([*frames[:3], body]) in (NackCode.BAD_BODY, NackCode.WRONG_TYPE)


def test_bad_header_json() -> None:
    frames = _frames()
    assert _code([frames[0], frames[1], b"{not json", frames[3]]) is NackCode.BAD_HEADER
    assert _code([frames[0], frames[1], b"[1,2]", frames[3]]) is NackCode.BAD_HEADER


def test_missing_and_wrong_fields() -> None:
    frames = _frames()
    header = json.loads(frames[2])
    del header["seq"]
    assert _code([frames[0], frames[1], json.dumps(header).encode(), frames[3]]) is (
        NackCode.MISSING_FIELD
    )
    header = json.loads(frames[2])
    header["seq"] = "7"
    assert _code([frames[0], frames[1], json.dumps(header).encode(), frames[3]]) is (
        NackCode.WRONG_TYPE
    )
    header["seq"] = True
    assert _code([frames[0], frames[1], json.dumps(header).encode(), frames[3]]) is (
        NackCode.WRONG_TYPE
    )
    report = encode(Message(_header(), Report(order_id="o", step="accept", ts=1.0)))
    assert _code([*report[:3], b'{"order_id":"o","step":"accept","detail":{}}']) is (
        NackCode.MISSING_FIELD
    )
    assert _code([*report[:3], b'{"order_id":1,"step":"a","ts":1,"detail":{}}']) is (
        NackCode.WRONG_TYPE
    )
    assert _code([*report[:3], b"\xff\xfe"]) is NackCode.BAD_BODY


def test_oversized() -> None:
    big = encode(Message(_header(), Grants(documents=[{"x": "y" * 5000}])))
    assert _code(big, max_bytes=1000) is NackCode.OVERSIZED


def test_peek_msg_id() -> None:
    assert peek_msg_id(_frames()) == "m1"
    assert peek_msg_id([b"a"]) == ""
    assert peek_msg_id([b"a", b"b", b"nope"]) == ""


frame = st.binary(max_size=64)


@given(st.lists(frame, max_size=6))
def test_random_frames_never_crash(frames: list[bytes]) -> None:
    try:
        decode(frames)
    except DecodeError as err:
        assert isinstance(err.code, NackCode)


@given(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=200))
def test_truncated_frames_rejected(which: int, cut: int) -> None:
    frames = encode(Message(_header(), Report(order_id="o1", step="accept", ts=2.0)))
    truncated = list(frames)
    if cut >= len(truncated[which]):
        return
    truncated[which] = truncated[which][:cut]
    with pytest.raises(DecodeError):
        decode(truncated)


@given(st.dictionaries(st.text(max_size=8), st.none() | st.integers() | st.text(max_size=8)))
def test_random_header_objects_rejected_or_valid(obj: dict[str, object]) -> None:
    frames = [MAGIC, b"ACK", json.dumps(obj).encode(), b"{}"]
    try:
        decode(frames)
    except DecodeError as err:
        assert err.code in (NackCode.MISSING_FIELD, NackCode.WRONG_TYPE, NackCode.UNKNOWN_SCHEMA)


_json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
    st.just({}),
    st.just([]),
)


@given(
    st.dictionaries(
        st.sampled_from(["msg_id", "sender", "seq", "ack_of", "sent_ts", "attempt", "schema", "x"]),
        _json_values,
    ),
    st.dictionaries(
        st.sampled_from(["order_id", "step", "ts", "detail", "signature"]), _json_values
    ),
)
def test_typed_decoding_agrees_with_the_field_by_field_checks(
    header: dict[str, object], body: dict[str, object]
) -> None:
    valid = json.loads(encode(Message(_header(), Report("o1", "accept", 3.0, {})))[2])
    body = {"order_id": "o1", "step": "accept", "ts": 3, "detail": {}, "signature": "", **body}
    frames = [MAGIC, b"REPORT", json.dumps({**valid, **header}).encode(), json.dumps(body).encode()]

    def outcome(f: Callable[[], Message]) -> object:
        try:
            return f()
        except DecodeError as err:
            return err.code, err.text, err.msg_id

    checked = outcome(lambda: _decode_checked(MsgType.REPORT, frames[2], frames[3]))
    assert outcome(lambda: decode(frames)) == checked
