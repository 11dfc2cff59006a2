"""One ZeroMQ frame per Baton message on the order links and the feed bus.

libzmq asserts (and aborts the process) when a peer vanishes in the middle of a multipart message
(`!_more` in fq.cpp / lb.cpp; libzmq issues #1338, #1588, #3663): a console SIGKILLed mid-burst
took stations down with it. The links therefore pack the BTN1 frames into a single frame
(each part: 4-byte big-endian length, then its bytes) so a message is whole or absent on the wire.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

_LEN = struct.Struct(">I")
PACKING_OVERHEAD = 64
"""Bytes packing may add to a BTN1 message (4 per part; generous for any part count)."""


class FramingError(ValueError):
    """A packed frame is truncated or its lengths do not add up."""


def pack(frames: Sequence[bytes]) -> bytes:
    """Join `frames` into one length-prefixed frame."""
    out = bytearray()
    for frame in frames:
        out += _LEN.pack(len(frame))
        out += frame
    return bytes(out)


def unpack(data: bytes) -> list[bytes]:
    """Split a frame made by `pack`; `FramingError` when it is not one."""
    frames: list[bytes] = []
    view = memoryview(data)
    pos = 0
    while pos < len(view):
        if pos + _LEN.size > len(view):
            raise FramingError(f"truncated length prefix at byte {pos}")
        (size,) = _LEN.unpack_from(view, pos)
        pos += _LEN.size
        if pos + size > len(view):
            raise FramingError(f"part of {size} bytes runs past the end at byte {pos}")
        frames.append(bytes(view[pos : pos + size]))
        pos += size
    if not frames:
        raise FramingError("empty message")
    return frames


def frames_of(parts: Sequence[bytes]) -> list[bytes]:
    """The message frames of what a link received.

    One part is a packed message; if it does not unpack it is handed on as it is, so the codec
    refuses it with its usual reason. Several parts (a peer that does not pack) go on unchanged.
    """
    if len(parts) == 1:
        try:
            return unpack(parts[0])
        except FramingError:
            return [parts[0]]
    return list(parts)
