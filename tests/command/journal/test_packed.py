"""The packed form of an observation batch: its documented layout, its digest and reading it."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest

from command.errors import ValidationError
from command.journal.packed import count_of, pack, select_rows, unpack
from command.model import Observation

BATCH = [
    Observation(10.0, "cam1", "bridge", "count", 7.0, "cam"),
    Observation(11.0, "cam2", "plaza", "count", 3.5, "cam"),
    Observation(12.0, "cam1", "bridge", "count", 8.0, "cam"),
]


def documented_blob(rows: list[Observation]) -> bytes:
    """The layout the module docstring promises, built independently of `pack`."""
    series: list[list[str]] = []
    index = []
    for o in rows:
        key = [o.feed, o.zone, o.metric, o.source]
        if key not in series:
            series.append(key)
        index.append(series.index(key))
    text = json.dumps(series, ensure_ascii=False, separators=(",", ":")).encode()
    n = len(rows)
    return (
        struct.pack("<4sIII", b"BOB1", n, len(series), len(text))
        + text
        + struct.pack(f"<{n}d", *[o.ts for o in rows])
        + struct.pack(f"<{n}d", *[o.value for o in rows])
        + struct.pack(f"<{n}I", *index)
    )


def test_pack_follows_the_documented_layout_and_digests_it() -> None:
    packed = pack(BATCH)
    assert packed.data == documented_blob(BATCH)
    assert packed.digest == hashlib.sha256(packed.data).hexdigest()
    assert (packed.count, packed.first_ts, packed.last_ts) == (3, 10.0, 12.0)
    assert count_of(packed.data) == 3


def test_unpack_and_select_give_the_rows_back() -> None:
    got = unpack(pack(BATCH).data)
    assert got.series == [("cam1", "bridge", "count", "cam"), ("cam2", "plaza", "count", "cam")]
    assert got.index.tolist() == [0, 1, 0]
    rows = select_rows([(4, pack(BATCH).data)], 11.0, None, "bridge", None)
    assert [(r.ts, r.feed, r.value, r.batch) for r in rows] == [(12.0, "cam1", 8.0, 4)]


def test_int_times_and_values_pack_as_floats() -> None:
    ints = [Observation(10, "cam1", "bridge", "count", 7, "cam")]  # type: ignore[arg-type]
    floats = [Observation(10.0, "cam1", "bridge", "count", 7.0, "cam")]
    assert pack(ints).digest == pack(floats).digest


@pytest.mark.parametrize(
    ("batch", "words"),
    [
        ([], "at least one"),
        ([Observation(1.0, "f", "z", "m", float("nan"), "s")], "not finite"),
        ([Observation(float("inf"), "f", "z", "m", 1.0, "s")], "not finite"),
        ([Observation(1.0, "f", "z", "m", object(), "s")], "not a number"),  # type: ignore[arg-type]
        ([Observation(1.0, "f", 3, "m", 1.0, "s")], "not text"),  # type: ignore[arg-type]
    ],
)
def test_bad_batches_are_refused_in_one_line(batch: list[Observation], words: str) -> None:
    with pytest.raises(ValidationError, match=words) as err:
        pack(batch)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("damage", [b"", b"BOB1", b"XXXX" + bytes(12), b"tail"])
def test_damaged_blobs_do_not_unpack(damage: bytes) -> None:
    data = pack(BATCH).data
    bad = damage if damage != b"tail" else data + damage
    with pytest.raises(ValueError):
        unpack(bad)


def test_an_unhashable_name_is_refused_in_one_line() -> None:
    bad = [Observation(1.0, "f", ["z"], "m", 1.0, "s")]  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not text"):
        pack(bad)
