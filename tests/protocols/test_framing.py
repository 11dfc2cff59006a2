"""One frame per message on the order links: pack and unpack, and bad packings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocols.framing import FramingError, frames_of, pack, unpack


@given(st.lists(st.binary(max_size=300), min_size=1, max_size=6))
def test_pack_then_unpack_gives_the_frames_back(frames: list[bytes]) -> None:
    assert unpack(pack(frames)) == frames


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"\x00\x00", "truncated length"),
        (b"\x00\x00\x00\x09BTN1", "runs past the end"),
    ],
)
def test_bad_packings_are_refused_with_a_reason(data: bytes, why: str) -> None:
    with pytest.raises(FramingError, match=why):
        unpack(data)


def test_what_does_not_unpack_goes_on_for_the_codec_to_refuse() -> None:
    assert frames_of([b"\xff\xff\xff\xffjunk"]) == [b"\xff\xff\xff\xffjunk"]
    assert frames_of([b"BTN1", b"HELLO"]) == [b"BTN1", b"HELLO"]
    assert frames_of([pack([b"BTN1", b"HELLO"])]) == [b"BTN1", b"HELLO"]
