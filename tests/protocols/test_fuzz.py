"""Hypothesis-made malformed, truncated, oversized and random frames against both links.

Each frame set is refused with a reason (a `message.rejected` journal line at the receiver), no
crash, and both journals still verify afterwards.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from command.journal import verify_journal
from protocols.codec import encode
from protocols.delivery import WireConfig
from protocols.messages import MAGIC, Header, Message, Report
from tests.protocols.wiring import Rig, kinds, rig

MAX_BYTES = 2048


def _valid() -> list[bytes]:
    header = Header("m-valid", "st-a", 1, "", 1.0, 1)  # claims the key's station
    return encode(Message(header, Report(order_id="o", step="accept", ts=1.0)))


def _truncated(which: int, cut: int) -> list[bytes]:
    frames = _valid()
    frames[which] = frames[which][: min(cut, max(0, len(frames[which]) - 1))]
    return frames


def _header_with(key: str, value: object) -> list[bytes]:
    frames = _valid()
    header = json.loads(frames[2])
    header[key] = value
    frames[2] = json.dumps(header).encode()
    return frames


bad_frames = st.one_of(
    st.lists(st.binary(max_size=40), min_size=1, max_size=6),
    st.builds(_truncated, st.integers(0, 3), st.integers(0, 120)),
    st.builds(
        _header_with,
        st.sampled_from(["seq", "schema", "msg_id", "attempt"]),
        st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=False), st.booleans()),
    ),
    st.builds(
        lambda n: [MAGIC, b"GRANTS", _valid()[2], b'{"documents":["' + b"x" * n + b'"]}'],
        st.integers(MAX_BYTES, MAX_BYTES * 2),
    ),
    st.builds(lambda t: [MAGIC, t, _valid()[2], b"{}"], st.binary(min_size=1, max_size=12)),
)


def _is_valid(frames: list[bytes]) -> bool:
    from protocols.codec import DecodeError, decode

    try:
        decode(frames, MAX_BYTES)
    except DecodeError:
        return False
    return True


@pytest.mark.parametrize("kind", ["memory", "zmq"])
def test_bad_frames_are_refused_with_a_reason(kind: str, tmp_path: Path) -> None:
    with rig(
        kind, station_ids=("st-a",), config=WireConfig(max_bytes=MAX_BYTES), directory=tmp_path
    ) as r:
        station = r.stations["st-a"]

        @settings(
            max_examples=40,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(frames=bad_frames, to_console=st.booleans())
        def one(frames: list[bytes], to_console: bool) -> None:
            if _is_valid(frames):
                return
            receiver = r.post.journal if to_console else station.desk.journal
            before = len(kinds(receiver, "message.rejected"))
            if to_console:
                station.transport.send("console", frames)
            else:
                r.console.transport.send("st-a", frames)
            r.pump(lambda: len(kinds(receiver, "message.rejected")) > before)

        one()
        _assert_verified(r, tmp_path)


def _assert_verified(r: Rig, tmp_path: Path) -> None:
    r.settle()
    codes = {b["code"] for b in kinds(r.post.journal, "message.rejected")}
    assert codes <= {
        "bad_magic",
        "frame_count",
        "unknown_type",
        "unknown_schema",
        "bad_header",
        "bad_body",
        "missing_field",
        "wrong_type",
        "oversized",
    }
    for name in ("console", "st-a"):
        result = verify_journal(tmp_path / f"{name}.db")
        assert result.ok, result.problem
