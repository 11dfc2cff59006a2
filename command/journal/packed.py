"""Observation batches packed as one blob each: the stored form and the digest of a batch.

A batch of n observations over k distinct series (feed, zone, metric, source) is stored as

    header   "<4sIII": b"BOB1", n, k, L
    series   L bytes: canonical JSON (UTF-8) of the k [feed, zone, metric, source] lists,
             in order of first appearance in the batch
    ts       n little-endian float64
    values   n little-endian float64
    series#  n little-endian uint32 (the index of each observation's series)

and its digest (in the chained `observations.batch` event) is SHA-256 of that blob, hex. The
packing is a function of the batch's rows and their order, so `baton verify` recomputes the
digest from the stored bytes alone. Packing and reading work on NumPy arrays: no Python object
per observation on the way in.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from command.errors import ValidationError
from command.journal.store import ObservationRow
from command.model import Observation

MAGIC = b"BOB1"
_HEADER = struct.Struct("<4sIII")
_TS = attrgetter("ts")
_VALUE = attrgetter("value")
_SERIES = attrgetter("feed", "zone", "metric", "source")
_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode

_NOT_TEXT = "an observation batch holds a feed, zone, metric or source that is not text"

Series = tuple[str, str, str, str]
"""(feed, zone, metric, source) of one series."""


@dataclass(frozen=True, slots=True)
class PackedBatch:
    """One batch in its stored form: the blob, its digest and what the batch event says."""

    count: int
    first_ts: float
    last_ts: float
    data: bytes
    digest: str


@dataclass(frozen=True, slots=True)
class Columns:
    """A batch as arrays: the series table and, per observation, its time, value and series.

    Fusion (`Fusion.ingest_columns`) and the journal (`Journal.add_columns`) both take it, so
    the engine reads every observation's fields once."""

    series: list[Series]
    ts: npt.NDArray[np.float64]
    values: npt.NDArray[np.float64]
    index: npt.NDArray[np.uint32]

    def __len__(self) -> int:
        return len(self.ts)


def columns(batch: Sequence[Observation]) -> Columns:
    """A batch as `Columns` (series in order of first appearance); a `ValidationError` (one
    line) for a time or value that is not a number or a name that is not text."""
    n = len(batch)
    try:
        ts = np.fromiter(map(_TS, batch), np.float64, n)
        values = np.fromiter(map(_VALUE, batch), np.float64, n)
    except (TypeError, ValueError) as err:
        raise ValidationError(
            f"an observation batch holds a time or value that is not a number: {err}"
        ) from None
    order: dict[Series, int] = {}  # series -> number, in order of first appearance
    number = order.setdefault
    try:
        index = np.fromiter([number(key, len(order)) for key in map(_SERIES, batch)], np.uint32, n)
    except TypeError:  # a name that cannot even be hashed
        raise ValidationError(_NOT_TEXT) from None
    if not all(type(name) is str for key in order for name in key):
        raise ValidationError(_NOT_TEXT)
    return Columns(list(order), ts, values, index)


def pack(batch: Sequence[Observation] | Columns) -> PackedBatch:
    """Pack a batch; a `ValidationError` (one line) for an empty batch, a value or time that is
    not a finite number, or a name that is not text."""
    cols = batch if isinstance(batch, Columns) else columns(batch)
    n = len(cols)
    if not n:
        raise ValidationError("an observation batch needs at least one observation")
    ts, values = cols.ts, cols.values
    if not (np.isfinite(ts).all() and np.isfinite(values).all()):
        raise ValidationError("an observation batch holds a value that is not finite")
    text = _dumps(cols.series).encode("utf-8")
    data = b"".join(
        (
            _HEADER.pack(MAGIC, n, len(cols.series), len(text)),
            text,
            ts.astype("<f8", copy=False).tobytes(),
            values.astype("<f8", copy=False).tobytes(),
            cols.index.astype("<u4", copy=False).tobytes(),
        )
    )
    return PackedBatch(n, float(ts.min()), float(ts.max()), data, digest_of(data))


def digest_of(data: bytes) -> str:
    """The digest a batch event holds for a stored blob: SHA-256, hex."""
    return hashlib.sha256(data).hexdigest()


def count_of(data: Any) -> int:
    """The observation count a blob's header gives (0 when it is not a packed batch)."""
    if not isinstance(data, bytes) or len(data) < _HEADER.size:
        return 0
    magic, n, _k, _length = _HEADER.unpack_from(data)
    return int(n) if magic == MAGIC else 0


def unpack(data: bytes) -> Columns:
    """Read a blob back; `ValueError` when it is not a well-formed packed batch."""
    if len(data) < _HEADER.size:
        raise ValueError("not a packed observation batch")
    magic, n, k, length = _HEADER.unpack_from(data)
    start = _HEADER.size + length
    if magic != MAGIC or len(data) != start + n * 20:
        raise ValueError("not a packed observation batch")
    try:
        series: list[Series] = [
            (str(f), str(z), str(m), str(s))
            for f, z, m, s in json.loads(data[_HEADER.size : start].decode("utf-8"))
        ]
    except TypeError:
        raise ValueError("not a packed observation batch") from None
    if len(series) != k:
        raise ValueError("not a packed observation batch")
    ts = np.frombuffer(data, "<f8", n, start)
    values = np.frombuffer(data, "<f8", n, start + 8 * n)
    index = np.frombuffer(data, "<u4", n, start + 16 * n)
    if n and int(index.max()) >= k:
        raise ValueError("not a packed observation batch")
    return Columns(series, ts, values, index)


def select_rows(
    blobs: Iterable[tuple[int, bytes]],
    since: float | None,
    until: float | None,
    zone: str | None,
    metric: str | None,
) -> list[ObservationRow]:
    """The rows of `(batch, blob)` pairs (in batch order) with since <= ts <= until and the
    given zone and metric, in batch order then position (sort them by ts, stably, after)."""
    out: list[ObservationRow] = []
    for batch, data in blobs:
        got = unpack(data)
        keep: npt.NDArray[np.bool_] | None = None
        if since is not None:
            keep = got.ts >= since
        if until is not None:
            keep = got.ts <= until if keep is None else keep & (got.ts <= until)
        if zone is not None or metric is not None:
            wanted = np.array(
                [
                    (zone is None or s[1] == zone) and (metric is None or s[2] == metric)
                    for s in got.series
                ],
                dtype=bool,
            )
            by_series = wanted[got.index]
            keep = by_series if keep is None else keep & by_series
        if keep is None:
            ts, values, index = got.ts, got.values, got.index
        else:
            ts, values, index = got.ts[keep], got.values[keep], got.index[keep]
        series = got.series
        for t, v, k in zip(ts.tolist(), values.tolist(), index.tolist(), strict=True):
            feed, zone_, metric_, source = series[k]
            out.append(ObservationRow(t, feed, zone_, metric_, v, source, batch))
    return out
