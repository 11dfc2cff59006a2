"""Live plots of key metrics: one plot per metric, one curve item per zone colour, threshold lines.

Each (zone, metric) series lives in a pre-allocated NumPy ring buffer; appending only marks it
dirty. A fixed-rate QTimer (default 30 Hz) updates each dirty colour group once per tick: its
series are peak-downsampled to the plot's pixel width into fixed slots of one pre-allocated
array pair (NaN between series, `connect="finite"`, `skipFiniteCheck=True`, 1 px
non-antialiased pen), pushed with one `setData`. Bins sit at fixed point numbers, so a tick
re-packs only each series' last bin and new points; the oldest points leave the drawing a tenth
of the capacity at a time. Auto-range is off; ranges move in steps, from bounds kept while
packing. Each plot's curves are drawn into one image kept between frames: a tick redraws only
the strips where data changed and the view blits those columns, so a frame costs what changed,
not every point of every curve (a new range or size draws the image in full). Axes, titles,
legends and threshold lines are cached pixmaps. The legend names zones through `label_of`.

Plots and legend entries keep a fixed order whichever feed reports first: plots in the order
their metrics were given (`set_metrics`, or `set_thresholds` calls), legend entries in the order
of the zones (`set_zones`); names too long for the legend are elided with the full name in the
tooltip, and the legend has as many columns as fit the plot's width.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QVBoxLayout, QWidget

from ui import theme
from ui.labels import plain_tip, tip_text

LEGEND_MAX = 8
LEGEND_OFFSET_PX = 5  # the legend's distance from the plot's top left corner
LEGEND_SHARE_MAX = 0.5  # the most of a plot's height kept free for its legend
LEGEND_LABEL_PX = 130  # a longer zone name is elided ("Fuxing East Road…"), full in its tooltip
# names are elided down to this to fit two columns rather than one (five bund zones in one
# column took three quarters of a first-run plot's height)
LEGEND_LABEL_MIN_PX = 64
LEGEND_SAMPLE_PX = 34  # a legend entry's line sample and spacing, besides its name
LEGEND_COLUMNS_MAX = 4
LEGEND_FONT_PT = 8.0  # the legend's names
LEGEND_ROW_PX = 16  # a legend row: the 8 pt name and its line sample
LEGEND_TEXT_MARGIN_PX = 1
BAND_ROWS = 64
MARGIN = 4
BIN_PX = 2
"""Width in pixels of one downsampling bin: each bin is drawn as one stroke min → max, so a long
series costs two points per BIN_PX columns whatever its length, and every extreme is kept."""
ZONE_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#d62728",
)


class RingBuffer:
    """A fixed-capacity series of (t, y) with a contiguous, copy-free view of the last values.

    Each value is written twice (at i and i + capacity) so `view()` is always one slice.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._t = np.zeros(2 * capacity, dtype=np.float64)
        self._y = np.zeros(2 * capacity, dtype=np.float64)
        self._next = 0
        self.size = 0
        self.total = 0  # points ever appended: downsampling bins stay put as the ring moves

    def append(self, t: float, y: float) -> None:
        """Add one point, dropping the oldest when full."""
        i = self._next
        self._t[i] = self._t[i + self.capacity] = t
        self._y[i] = self._y[i + self.capacity] = y
        self._next = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)
        self.total += 1

    def extend(self, ts: Sequence[float], ys: Sequence[float]) -> None:
        """Add several points in order (vectorised: a replay seek refills thousands at once)."""
        t = np.asarray(ts, dtype=np.float64).ravel()
        y = np.asarray(ys, dtype=np.float64).ravel()
        if t.size != y.size:
            raise ValueError(f"extend: {t.size} times but {y.size} values; give one per time")
        n = t.size
        if n == 0:
            return
        self.total += n
        cap = self.capacity
        if n > cap:  # only the last `capacity` points survive
            skipped = n - cap
            t, y = t[skipped:], y[skipped:]
            self._next = (self._next + skipped) % cap
            n = cap
        idx = (self._next + np.arange(n)) % cap
        self._t[idx] = self._t[idx + cap] = t
        self._y[idx] = self._y[idx + cap] = y
        self._next = (self._next + n) % cap
        self.size = min(self.size + n, cap)

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        """The stored points, oldest first (views into the buffer, not copies)."""
        end = self._next + self.capacity if self.size == self.capacity else self._next
        start = end - self.size
        return self._t[start:end], self._y[start:end]

    def clear(self) -> None:
        """Forget every point (the storage stays allocated)."""
        self.size = self._next = self.total = 0


def _peak(
    t: np.ndarray, y: np.ndarray, first: int, ds: int, x_out: np.ndarray, y_out: np.ndarray
) -> tuple[int, float, float]:
    """Write `t, y` peak-downsampled into the start of `x_out, y_out`; return (points, ymin,
    ymax). Bins of `ds` points sit at absolute point numbers (`first` is the number of t[0]),
    so they stay put as the ring moves; each bin is a vertical stroke min → max at its first
    time, the partial bins at either end are copied as they are. Every extreme survives."""
    n = t.size
    head = (-first) % ds
    bins = (n - head) // ds
    stop = head + bins * ds
    tail = n - stop
    yb = y[head:stop].reshape(bins, ds)
    if ds <= 8:  # a short inner axis: column-wise ufuncs beat a reduce along it
        lo, hi = yb[:, 0].copy(), yb[:, 0].copy()
        for j in range(1, ds):
            col = yb[:, j]
            np.minimum(lo, col, out=lo)
            np.maximum(hi, col, out=hi)
    else:
        lo, hi = yb.min(axis=1), yb.max(axis=1)
    x_out[:head] = t[:head]
    y_out[:head] = y[:head]
    mid = head + 2 * bins
    bx = t[head:stop:ds]
    x_out[head:mid:2] = bx
    x_out[head + 1 : mid : 2] = bx
    y_out[head:mid:2] = lo
    y_out[head + 1 : mid : 2] = hi
    x_out[mid : mid + tail] = t[stop:]
    y_out[mid : mid + tail] = y[stop:]
    ymin, ymax = (float(lo.min()), float(hi.max())) if bins else (math.inf, -math.inf)
    if head or tail:
        ends = np.concatenate((y[:head], y[stop:]))
        ymin, ymax = min(ymin, float(ends.min())), max(ymax, float(ends.max()))
    return mid + tail, ymin, ymax


def _peak_few(
    t: list[float], y: list[float], ds: int, x_out: np.ndarray, y_out: np.ndarray, at: int
) -> tuple[int, float, float]:
    """`_peak` of a few points starting on a bin boundary, written at `at` (what a frame adds:
    plain Python beats a dozen NumPy calls on a handful of values)."""
    bins = len(t) // ds
    xs: list[float] = []
    ys: list[float] = []
    for b in range(0, bins * ds, ds):
        chunk = y[b : b + ds]
        xs += (t[b], t[b])
        ys += (min(chunk), max(chunk))
    xs += t[bins * ds :]
    ys += y[bins * ds :]
    m = len(xs)
    x_out[at : at + m] = xs
    y_out[at : at + m] = ys
    return m, min(ys), max(ys)


_SCRATCH: dict[int, tuple[QPolygonF, np.ndarray]] = {}


def _scratch(n: int) -> tuple[QPolygonF, np.ndarray]:
    """A polygon of `n` points and a NumPy view of them, kept for reuse (a strip's pieces come
    in a few sizes; making a QPolygonF and its view costs more than filling and drawing it).
    GUI thread only; the view stays valid because the polygon is never resized."""
    kept = _SCRATCH.get(n)
    if kept is None:
        poly = QPolygonF()
        poly.resize(n)
        kept = (poly, pg.functions.ndarray_from_qpolygonf(poly))
        if n <= 256:
            _SCRATCH[n] = kept
    return kept


def _cache(item: QGraphicsItem) -> None:
    """Keep `item` and its children as pixmaps in device coordinates (re-rendered when they
    change or the view moves): axes, titles, legends and threshold lines then cost a blit per
    frame instead of their text and dash drawing."""
    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    for child in item.childItems():
        _cache(child)


class _GroupCurve(pg.PlotCurveItem):  # type: ignore[misc]
    """The packed data of one plot's series of one colour, with its 1 px pen: what the plot's
    `_Raster` draws (the item itself paints nothing; `xData`/`yData` are pyqtgraph's arrays,
    NaN between series, for `connect="finite"`).

    `setData(x, y)` only stores the arrays: pyqtgraph would build a QPainterPath of every point
    on every change, re-scan the bounds and repaint the whole item; the group knows its bounds
    and the raster what changed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bounds: tuple[float, float, float, float] | None = None
        self.raster: _Raster | None = None
        self._runs: list[tuple[int, int]] = []  # (start, stop) of each series in xData/yData
        self._polys: list[QPolygonF] = []
        self._stale = True
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)

    def set_packed(
        self,
        x: np.ndarray,
        y: np.ndarray,
        runs: list[tuple[int, int]],
        bounds: tuple[float, float, float, float] | None,
    ) -> None:
        """New packed data: `runs` are the series' index ranges (NaN between)."""
        self.bounds = bounds
        self._runs = runs
        self._stale = True
        self.setData(x, y)

    def setData(self, *args: Any, **kwargs: Any) -> None:
        """`setData(x, y)` stores the packed arrays; any other call (options) is pyqtgraph's."""
        if len(args) == 2 and not kwargs:
            self.xData, self.yData = args
        else:
            super().setData(*args, **kwargs)

    def setPen(self, *args: Any, **kwargs: Any) -> None:
        """A new pen draws the plot's image again."""
        super().setPen(*args, **kwargs)
        raster: _Raster | None = getattr(self, "raster", None)  # (pyqtgraph's __init__ sets a pen)
        if raster is not None:
            raster.changed(None)

    def boundingRect(self) -> QRectF:
        """Nothing of its own to paint (the raster draws the data)."""
        return QRectF()

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        """The raster draws this curve's data."""

    def _polylines(self) -> list[QPolygonF]:
        """One polyline per series (rebuilt only when the data changed since)."""
        if self._stale:
            x, y = self.xData, self.yData
            polys = self._polys
            while len(polys) < len(self._runs):
                polys.append(QPolygonF())
            for poly, (a, b) in zip(polys, self._runs, strict=False):
                poly.resize(b - a)
                xy = pg.functions.ndarray_from_qpolygonf(poly)
                xy[:, 0] = x[a:b]
                xy[:, 1] = y[a:b]
            self._stale = False
        return self._polys[: len(self._runs)]

    def draw_span(self, p: QPainter, x0: float, x1: float) -> None:
        """Draw each series from its last point before `x0` to its first after `x1`."""
        x, y = self.xData, self.yData
        for a, b in self._runs:
            xs = x[a:b]
            i = max(int(xs.searchsorted(x0, "left")) - 1, 0)
            j = min(int(xs.searchsorted(x1, "right")) + 1, b - a)
            if j - i < 2:
                continue
            poly, xy = _scratch(j - i)
            xy[:, 0] = xs[i:j]
            xy[:, 1] = y[a + i : a + j]
            p.drawPolyline(poly)

    def dataBounds(
        self, ax: int, frac: float = 1.0, orthoRange: Any = None
    ) -> tuple[float | None, float | None]:
        """The packed bounds for the full range (what the scene asks for)."""
        if frac >= 1.0 and orthoRange is None:
            b = self.bounds
            if b is None:
                return (None, None)
            return (b[0], b[1]) if ax == 0 else (b[2], b[3])
        found: tuple[float | None, float | None] = super().dataBounds(ax, frac, orthoRange)
        return found


class _Raster(pg.GraphicsObject):  # type: ignore[misc]
    """A plot's curves drawn into one image of its visible area, in device pixels, kept between
    frames.

    Each series is one non-antialiased polyline with its group's pen, in the groups' order (the
    z-order of separate items). A frame that only appends points redraws the strips of the image
    where the data changed (the last bin and the new points) and marks only those strips dirty in
    the scene, so the view blits a few columns instead of stroking every point of every curve
    again. A new range, size, pen or data that moved in a bigger way draws the image in full.
    """

    def __init__(self) -> None:
        super().__init__()
        self.curves: list[_GroupCurve] = []
        self._image: QImage | None = None
        self._scratch: QImage | None = None  # where a strip is drawn before it is copied in
        self._key: tuple[float, ...] = ()  # the device transform and size the image was drawn at
        self._strips: list[tuple[float, float]] | None = None  # time spans to redraw; None: all
        self._brect: QRectF | None = None
        self.full_draws = 0  # images drawn in full (the bench counts them)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def add(self, curve: _GroupCurve) -> None:
        """Draw `curve` too (above those added before)."""
        self.curves.append(curve)
        curve.raster = self
        self.changed(None)

    def changed(self, spans: list[tuple[float, float]] | None) -> None:
        """Data changed in `spans` of time (None: anywhere): redraw them on the next paint."""
        view = self.boundingRect()
        vb = self.getViewBox()
        if spans is None or self._strips is None or view.isEmpty() or vb is None:
            if self._brect is not None and (view.isEmpty() or spans is None):
                self.prepareGeometryChange()  # the first data gives the item its extent
                self._brect = None
            self._strips = None
            self.update()
            return
        spans = _merge(spans)
        self._strips.extend(spans)
        pad = 3.0 * view.width() / max(vb.width(), 1.0)  # what a 1 px line and rounding reach
        for a, b in spans:
            self.update(QRectF(a - pad, view.top(), b - a + 2 * pad, view.height()))

    def viewTransformChanged(self) -> None:
        """A new range or plot size: the item spans the new view, drawn again in full."""
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._brect = None
        self._strips = None

    def boundingRect(self) -> QRectF:
        """The plot's visible area (so the geometry only changes with the range)."""
        if self._brect is None:
            vb = self.getViewBox()
            has_data = any(c.bounds is not None for c in self.curves)
            rect = vb.viewRect() if vb is not None and has_data else None
            self._brect = QRectF(rect) if rect is not None else QRectF()
        return self._brect

    def _render(self, transform: QTransform, rect: QRect, dpr: float) -> None:
        """Bring the image up to date: in full, or only its changed strips."""
        image = self._image
        key = (
            transform.m11(), transform.m12(), transform.m21(), transform.m22(),
            transform.dx(), transform.dy(), float(rect.width()), float(rect.height()), dpr,
        )  # fmt: skip
        full = image is None or self._strips is None or key != self._key
        if image is None or key[6:] != self._key[6:]:
            image = self._image = QImage(
                max(1, round(rect.width() * dpr)),
                max(1, round(rect.height() * dpr)),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.setDevicePixelRatio(dpr)
        strips = [] if full else (self._strips or [])
        self._key = key
        self._strips = []
        if not full and not strips:
            return
        to_image = transform * QTransform.fromTranslate(-rect.x(), -rect.y())
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if full:
            self.full_draws += 1
            image.fill(0)
            p.setTransform(to_image)
            for curve in self.curves:
                pen = curve.opts["pen"]
                if pen is None or pen.style() == Qt.PenStyle.NoPen:
                    continue
                p.setPen(pen)
                for poly in curve._polylines():
                    p.drawPolyline(poly)
        else:
            back, _ = to_image.inverted()
            sx, dx = to_image.m11(), to_image.dx()
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            for a, b in _merge(strips):
                # whole pixel columns from just left of `a` to just right of `b`
                left = math.floor(min(a * sx, b * sx) + dx) - 2
                right = math.ceil(max(a * sx, b * sx) + dx) + 3
                # drawn into a scratch image MARGIN px wider on each side, then copied without
                # the margins: a line is rasterised a pixel off where it is cut at an image's
                # or clip's edge, and those edges fall in the margins, so the strip holds the
                # very pixels a full drawing would
                wide = right - left + 2 * MARGIN
                scratch = self._scratch
                if (
                    scratch is None
                    or scratch.width() < round(wide * dpr)
                    or scratch.height() != image.height()
                    or scratch.devicePixelRatio() != dpr
                ):
                    scratch = self._scratch = QImage(
                        max(64, round(wide * dpr)),
                        image.height(),
                        QImage.Format.Format_ARGB32_Premultiplied,
                    )
                    scratch.setDevicePixelRatio(dpr)
                scratch.fill(0)
                q = QPainter(scratch)
                q.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                q.setTransform(to_image * QTransform.fromTranslate(MARGIN - left, 0))
                x0, x1 = sorted(
                    (
                        back.map(QPointF(left - MARGIN, 0)).x(),
                        back.map(QPointF(right + MARGIN, 0)).x(),
                    )
                )
                for curve in self.curves:
                    pen = curve.opts["pen"]
                    if pen is None or pen.style() == Qt.PenStyle.NoPen:
                        continue
                    q.setPen(pen)
                    curve.draw_span(q, x0, x1)
                q.end()
                p.drawImage(
                    QRectF(left, 0, right - left, rect.height()),
                    scratch,
                    QRectF(MARGIN * dpr, 0, (right - left) * dpr, image.height()),
                )
        p.end()

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        """Blit the exposed part of the image (drawn first where the data changed)."""
        transform = p.transform()
        rect = transform.mapRect(self.boundingRect()).toAlignedRect()
        if rect.isEmpty():
            return
        device = p.device()
        dpr = float(device.devicePixelRatioF()) if device is not None else 1.0
        self._render(transform, rect, dpr)
        assert self._image is not None
        exposed = transform.mapRect(opt.exposedRect).toAlignedRect().adjusted(-1, -1, 1, 1)
        exposed = exposed.intersected(rect)
        if exposed.isEmpty():
            return
        p.save()
        p.resetTransform()
        # in bands of BAND_ROWS: Qt hands a blend of more rows to its GUI thread pool and waits,
        # and on a loaded two-CPU machine that hand-off costs more than the copy
        for top in range(exposed.top(), exposed.bottom() + 1, BAND_ROWS):
            band = QRect(
                exposed.left(), top, exposed.width(), min(BAND_ROWS, exposed.bottom() + 1 - top)
            )
            sx, sy = (band.x() - rect.x()) * dpr, (band.y() - rect.y()) * dpr
            p.drawImage(
                QRectF(band), self._image, QRectF(sx, sy, band.width() * dpr, band.height() * dpr)
            )
        p.restore()


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping spans joined (the series of a plot usually change in the same place)."""
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class _Packed:
    """How one series sits in its group's packed arrays, as of the last pack."""

    __slots__ = ("ds", "m", "shown", "t0", "total", "y0", "y1")

    def __init__(self) -> None:
        self.ds = 0  # points per downsampling bin (1: raw)
        self.m = 0  # packed points
        self.shown = 0  # point number (as RingBuffer.total counts) of the first point drawn
        self.t0 = 0.0  # its time
        self.total = 0  # RingBuffer.total when packed
        self.y0, self.y1 = math.inf, -math.inf  # value bounds of the points drawn


class _Group:
    """The series of one plot drawn in one colour: one curve item, one packed array pair.

    Series `k` owns the slot `k * (capacity + 1)` of the packed arrays (NaN where it has no
    points, so at least one NaN separates series). Its bins start at fixed point numbers, so new
    points only re-pack the last bin and after; the oldest points leave in steps of a tenth of
    the capacity (the ring drops one per point, the drawing every `capacity // 10`), so in
    between nothing moves at the left either.
    """

    __slots__ = ("capacity", "curve", "keys", "packed", "x", "y")

    def __init__(self, curve: _GroupCurve, capacity: int) -> None:
        self.curve = curve
        self.capacity = capacity
        self.keys: list[tuple[str, str]] = []
        self.packed: list[_Packed] = []
        self.x = np.empty(0)
        self.y = np.empty(0)

    def add(self, key: tuple[str, str]) -> None:
        """One more series; the packed arrays grow once to hold every series at capacity."""
        self.keys.append(key)
        size = len(self.keys) * (self.capacity + 1)
        x, y = np.full(size, np.nan), np.full(size, np.nan)
        x[: self.x.size], y[: self.y.size] = self.x, self.y
        self.x, self.y = x, y
        self.packed.append(_Packed())

    def pack(
        self, buffers: dict[tuple[str, str], RingBuffer], pixels: int
    ) -> list[tuple[float, float]] | None:
        """Bring the packed data up to date with the ring buffers and push it with one
        `setData`; return the time spans whose drawing changed (None: anywhere)."""
        x, y = self.x, self.y
        slot = self.capacity + 1
        changed: list[tuple[float, float]] | None = []
        runs: list[tuple[int, int]] = []
        t0 = y0 = math.inf
        t1 = y1 = -math.inf
        end = 0
        for k, key in enumerate(self.keys):
            buf, st = buffers[key], self.packed[k]
            base = k * slot
            if buf.total != st.total:
                span = _repack(buf, st, pixels, x[base : base + slot], y[base : base + slot])
                if span is None:
                    changed = None
                elif changed is not None:
                    changed.append(span)
            if st.m:
                runs.append((base, base + st.m))
                end = base + st.m
                t0, t1 = min(t0, st.t0), max(t1, float(x[base + st.m - 1]))
                y0, y1 = min(y0, st.y0), max(y1, st.y1)
        bounds = None if not runs else (t0, t1, y0, y1)
        self.curve.set_packed(x[:end], y[:end], runs, bounds)
        return changed


def _repack(
    buf: RingBuffer, st: _Packed, pixels: int, x: np.ndarray, y: np.ndarray
) -> tuple[float, float] | None:
    """Re-pack one series into its slot `x, y`; return the time span whose drawing changed, or
    None when all of it may have (first pack, new bin width, cleared, oldest points let go)."""
    first = buf.total - buf.size
    ds = buf.size // pixels if pixels > 0 else 1
    if not (ds >= 2 and buf.size >= 4 * ds):
        ds = 1
    t, v = buf.view()
    whole = ds != st.ds or buf.total < st.total or first > st.shown or st.m == 0
    if whole:
        shown = first
        if st.m and first > st.shown and buf.total >= st.total:  # the ring dropped past it
            shown = first + max(buf.capacity // 10, 1)
        shown = min(-(-shown // ds) * ds, buf.total - 1) if buf.size else first
        start, off = shown, 0
        st.y0, st.y1 = math.inf, -math.inf
    else:
        shown = st.shown
        start = shown + ds * ((st.total - shown) // ds)  # the first bin not complete then
        off = (start - shown) // ds * 2 if ds > 1 else start - shown
    if buf.size == 0:
        x[: st.m] = y[: st.m] = math.nan
        st.m, st.total, st.ds = 0, buf.total, ds
        return None
    i = start - first
    if ds > 1 and not whole and t.size - i <= 2 * ds:  # a frame's usual few points: no NumPy
        m, lo, hi = _peak_few(t[i:].tolist(), v[i:].tolist(), ds, x, y, off)
    elif ds > 1:
        m, lo, hi = _peak(t[i:], v[i:], start, ds, x[off:], y[off:])
    else:
        m = t.size - i
        x[off : off + m] = t[i:]
        y[off : off + m] = v[i:]
        lo, hi = float(v[i:].min()), float(v[i:].max())
    m += off
    if m < st.m:
        x[m : st.m] = y[m : st.m] = math.nan
    st.m, st.ds, st.shown, st.total = m, ds, shown, buf.total
    st.t0 = float(t[shown - first])
    st.y0, st.y1 = min(st.y0, lo), max(st.y1, hi)
    if whole:
        return None
    return (float(x[off - 1] if off else x[0]), float(t[-1]))


def legend_metrics() -> QFontMetricsF:
    """The metrics of the legend's names (LEGEND_FONT_PT in the application font)."""
    font = QFont()
    font.setPointSizeF(LEGEND_FONT_PT)
    return QFontMetricsF(font)


class LivePlots(QWidget):
    """The plots panel: `append(zone, metric, t, value)`; redraws dirty curves at `fps`."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        fps: float = 30.0,
        capacity: int = 3600,
        columns: int = 2,
        label_of: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("livePlots")
        self.capacity = capacity
        self.columns = columns
        # a zone's name in the legend, in the UI language (asked again on a language change)
        self._label_of: Callable[[str], str] = label_of or (lambda zone: zone)
        # (zone, plot, label, full name): the label shows the name elided to LEGEND_LABEL_PX
        self._legend: list[tuple[str, pg.PlotItem, pg.LabelItem, str]] = []
        self._metric_order: list[str] = []  # plots are laid out in this order, others after
        self._zone_order: list[str] = []  # legend entries in this order, others after
        self._graphics = pg.GraphicsLayoutWidget()
        # the background is one colour: filling it beats blitting a cached copy (which Qt hands
        # to its thread pool when it is tall)
        self._graphics.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._graphics)
        self._plots: dict[str, pg.PlotItem] = {}
        self._rasters: dict[str, _Raster] = {}  # each plot's curves, drawn as one image
        self._titles: dict[str, str] = {}
        self._curves: dict[tuple[str, str], _GroupCurve] = {}  # a series' colour-group curve
        self._buffers: dict[tuple[str, str], RingBuffer] = {}
        self._groups: dict[tuple[str, str], _Group] = {}  # (metric, colour) -> group
        self._group_of: dict[tuple[str, str], _Group] = {}  # series -> its group
        self._metric_groups: dict[str, list[_Group]] = {}
        self._thresholds: dict[str, list[tuple[float, int, pg.InfiniteLine]]] = {}
        self._zone_colour: dict[str, str] = {}
        self._dirty: set[_Group] = set()
        self._ranges: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
        self._pending: dict[str, list[tuple[float, int]]] = {}
        self.frames = 0
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.redraw)
        self.set_fps(fps)
        self.timer.start()
        theme.notifier().theme_changed.connect(self.restyle)
        self.restyle()

    def sizeHint(self) -> QSize:
        """Room for readable curves."""
        return QSize(480, 420)

    def set_fps(self, fps: float) -> None:
        """Redraw rate in frames per second (clamped to 1..120)."""
        self.timer.setInterval(int(1000 / min(120.0, max(1.0, fps))))

    # ---- structure
    def plot(self, metric: str, title: str = "") -> pg.PlotItem:
        """The plot of `metric`, created on first use."""
        plot = self._plots.get(metric)
        if plot is None:
            n = len(self._plots)
            axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
            plot = self._graphics.addPlot(
                row=n // self.columns, col=n % self.columns, axisItems={"bottom": axis}
            )
            self._plots[metric] = plot
            self._lay_out_plots()
            # no grid: its lines cost as much to paint as 200 curves; threshold lines remain
            plot.setMenuEnabled(False)
            plot.hideButtons()
            # Ranges follow the data, computed once per frame from the ring buffers in
            # `redraw`: pyqtgraph's auto-range would re-scan every curve on every setData.
            plot.disableAutoRange()
            plot.setMouseEnabled(x=False, y=False)
            raster = self._rasters[metric] = _Raster()
            plot.addItem(raster, ignoreBounds=True)
            legend = plot.addLegend(
                offset=(LEGEND_OFFSET_PX, LEGEND_OFFSET_PX),
                labelTextSize=f"{LEGEND_FONT_PT:g}pt",
                colCount=4,
            )
            legend.setZValue(20)
            legend.layout.setContentsMargins(2, 2, 2, 2)  # not the style's 9 px on every side
            plot.vb.sigResized.connect(lambda *_, p=plot: self._fit_legend(p))
            self._titles[metric] = title or metric
            plot.setTitle(self._titles[metric], size="9pt")
            self.restyle()
            # what does not change from frame to frame is painted once and then blitted
            for item in (plot.getAxis("left"), plot.getAxis("bottom"), plot.titleLabel, legend):
                _cache(item)
            if metric in self._pending:
                self._place_thresholds(metric)
        return plot

    def series(self, zone: str, metric: str) -> pg.PlotCurveItem:
        """The curve item drawing (zone, metric): shared by the metric's zones of one colour."""
        key = (zone, metric)
        curve = self._curves.get(key)
        if curve is None:
            colour = self._zone_colour.setdefault(
                zone, ZONE_COLOURS[len(self._zone_colour) % len(ZONE_COLOURS)]
            )
            plot = self.plot(metric)
            group = self._groups.get((metric, colour))
            # 1 px, not antialiased: Qt's fast cosmetic-line path (wider pens cost several times)
            pen = pg.mkPen(colour, width=1)
            if group is None:
                item = _GroupCurve(pen=pen, antialias=False, connect="finite", skipFiniteCheck=True)
                plot.addItem(item)
                self._rasters[metric].add(item)
                group = self._groups[(metric, colour)] = _Group(item, self.capacity)
                self._metric_groups.setdefault(metric, []).append(group)
            self._add_to_legend(zone, plot, pen)
            group.add(key)
            curve = self._curves[key] = group.curve
            self._buffers[key] = RingBuffer(self.capacity)
            self._group_of[key] = group
        return curve

    def _rank(self, order: list[str], name: str) -> int:
        return order.index(name) if name in order else len(order)

    def _lay_out_plots(self) -> None:
        """Place the plots in the grid by their metrics' order (`set_metrics`), the others after
        in the order they appeared, so the layout is the same whichever feed reports first."""
        arrived = list(self._plots)
        ordered = sorted(
            arrived, key=lambda m: (self._rank(self._metric_order, m), arrived.index(m))
        )
        layout = self._graphics.ci
        if all(
            layout.getItem(i // self.columns, i % self.columns) is self._plots[m]
            for i, m in enumerate(ordered)
        ):
            return
        for m in ordered:
            layout.layout.removeItem(self._plots[m])
            for r, c in layout.items[self._plots[m]]:
                layout.rows[r].pop(c, None)
        for i, m in enumerate(ordered):
            row, col = i // self.columns, i % self.columns
            layout.layout.addItem(self._plots[m], row, col)
            layout.rows.setdefault(row, {})[col] = self._plots[m]
            layout.items[self._plots[m]] = [(row, col)]
        self._plots = {m: self._plots[m] for m in ordered}

    def set_metrics(self, metrics: Sequence[str]) -> None:
        """Lay the plots out in this order of metrics (the scenario's), whichever metric's data
        comes first; metrics not listed follow in the order they appear."""
        for metric in metrics:
            if metric not in self._metric_order:
                self._metric_order.append(metric)
        if self._plots:
            self._lay_out_plots()

    def _add_to_legend(self, zone: str, plot: pg.PlotItem, pen: Any) -> None:
        """Name `zone` in `plot`'s legend, among the legend's entries in zone order; past
        LEGEND_MAX entries only the first zones in that order are named (a legend of dozens of
        zones is noise, and costs text drawing on every frame)."""
        legend = plot.legend
        if legend is None:
            return
        entries = [e for e in self._legend if e[1] is plot]
        rank = self._rank(self._zone_order, zone)
        if len(entries) >= LEGEND_MAX:
            worst = max(entries, key=lambda e: self._rank(self._zone_order, e[0]))
            if self._rank(self._zone_order, worst[0]) <= rank:
                return
            for sample, label in list(legend.items):
                if label is worst[2]:
                    legend.items.remove((sample, label))
                    legend._removeItemFromLayout(sample, label)
            self._legend.remove(worst)
        full = self._label_of(zone)
        legend.addItem(pg.PlotDataItem(pen=pen), full)
        sample, label = legend.items[-1]
        # rows as tall as the 8 pt text, not 27 px: a legend of three rows kept less than half
        # of a first-run plot for the curves
        label.item.document().setDocumentMargin(LEGEND_TEXT_MARGIN_PX)
        sample.setMaximumHeight(LEGEND_ROW_PX)
        label.setMaximumHeight(LEGEND_ROW_PX)
        self._legend.append((zone, plot, label, full))
        self._show_label(label, full)
        order = {e[2]: self._rank(self._zone_order, e[0]) for e in self._legend if e[1] is plot}
        legend.items.sort(key=lambda item: order.get(item[1], len(self._zone_order)))
        self._legend.sort(key=lambda e: (id(e[1]), self._rank(self._zone_order, e[0])))
        self._fit_legend(plot, force=True)

    def _show_label(self, label: pg.LabelItem, full: str, px: float = LEGEND_LABEL_PX) -> None:
        """Show `full` in `label`, elided to `px` (the whole name in its tooltip)."""
        text = legend_metrics().elidedText(full, Qt.TextElideMode.ElideRight, px)
        if text != label.text:
            label.setText(text)
        label.setToolTip(plain_tip(full if text != full else ""))

    def _fit_legend(self, plot: pg.PlotItem, force: bool = False) -> None:
        """Give `plot`'s legend as many columns as fit across the plot, its names elided to fit
        (down to LEGEND_LABEL_MIN_PX: a shorter legend covers less of the curves)."""
        legend = plot.legend
        if legend is None or not legend.items:
            return
        room = float(plot.vb.width()) - 2 * LEGEND_OFFSET_PX
        if room <= 0:
            return  # not laid out yet: fitted when the plot gets its size
        entries = [e for e in self._legend if e[1] is plot]
        px = float(LEGEND_LABEL_PX)
        for _ in range(2):  # fit the names as they are, then elided to what the columns leave
            for _, _, label, full in entries:
                self._show_label(label, full, px)
            widest = max(float(label.item.boundingRect().width()) for _, label in legend.items)
            fit = int(room // (widest + LEGEND_SAMPLE_PX))
            columns = max(1, min(LEGEND_COLUMNS_MAX, fit, len(legend.items)))
            wanted = min(LEGEND_COLUMNS_MAX, len(legend.items), 2)
            margin = float(legend.items[0][1].item.document().documentMargin()) * 2
            narrower = room / wanted - LEGEND_SAMPLE_PX - margin
            if columns >= wanted or narrower < LEGEND_LABEL_MIN_PX or narrower >= px:
                break
            px = narrower
        if force or columns != legend.columnCount:
            legend.columnCount = 0  # setColumnCount lays every entry out again, in list order
            legend.setColumnCount(columns)
            # shrink to the new layout (pyqtgraph sizes the legend from its cells' last widths)
            legend.layout.invalidate()
            legend.setGeometry(QRectF(QPointF(0, 0), legend.layout.preferredSize()))
            legend.layout.activate()
            legend.updateSize()
            _cache(legend)

    def set_zones(self, zones: Sequence[str]) -> None:
        """Fix each zone's colour, and its place in the legends, by its place in the incident's
        zone list, so a zone keeps both from run to run whichever feed reports first (zones not
        listed get the next colours, and legend places, as they appear)."""
        for i, zone in enumerate(zones):
            self._zone_colour.setdefault(zone, ZONE_COLOURS[i % len(ZONE_COLOURS)])
            if zone not in self._zone_order:
                self._zone_order.append(zone)

    def colour_of(self, zone: str) -> str | None:
        """The colour `zone`'s curves are drawn in (None before it has one)."""
        return self._zone_colour.get(zone)

    def set_thresholds(self, metric: str, thresholds: Iterable[tuple[float, int]]) -> None:
        """Horizontal lines at each (value, level) on the metric's plot, coloured by level.

        The plot itself appears with the metric's first series (no empty plots).
        """
        self._pending[metric] = list(thresholds)
        if metric not in self._metric_order:  # the key metrics' order is the plots' order
            self.set_metrics([metric])
        if metric in self._plots:
            self._place_thresholds(metric)

    def _place_thresholds(self, metric: str) -> None:
        plot = self._plots[metric]
        thresholds = self._pending.get(metric, [])
        for _, _, line in self._thresholds.get(metric, []):
            plot.removeItem(line)
        lines = []
        for value, level in thresholds:
            line = pg.InfiniteLine(pos=value, angle=0, movable=False)
            plot.addItem(line, ignoreBounds=True)
            _cache(line)
            lines.append((float(value), int(level), line))
        self._thresholds[metric] = lines
        self._style_thresholds(metric)

    def thresholds(self, metric: str) -> list[tuple[float, int]]:
        """The thresholds of `metric` as (value, level) (drawn once the metric has data)."""
        return list(self._pending.get(metric, []))

    def threshold_lines(self, metric: str) -> list[pg.InfiniteLine]:
        """The threshold lines drawn on `metric`'s plot, in the order of `thresholds`."""
        return [line for _, _, line in self._thresholds.get(metric, [])]

    def metrics(self) -> list[str]:
        """The metrics plotted, in order."""
        return list(self._plots)

    # ---- data
    def append(self, zone: str, metric: str, t: float, value: float) -> None:
        """Add one point to the series (drawn on the next frame)."""
        key = (zone, metric)
        if key not in self._buffers:
            self.series(zone, metric)
        self._buffers[key].append(t, value)
        self._dirty.add(self._group_of[key])

    def extend(self, zone: str, metric: str, ts: Sequence[float], values: Sequence[float]) -> None:
        """Add several points to one series."""
        key = (zone, metric)
        if key not in self._buffers:
            self.series(zone, metric)
        self._buffers[key].extend(ts, values)
        self._dirty.add(self._group_of[key])

    def clear_data(self) -> None:
        """Empty every series (replay seeking back); curves and thresholds stay."""
        for buf in self._buffers.values():
            buf.clear()
        self._dirty.update(self._groups.values())
        self._ranges.clear()

    def redraw(self) -> None:
        """Re-pack every dirty colour group (one `setData` each) and re-range their plots once
        (the fixed-rate frame)."""
        if self._dirty:
            dirty, self._dirty = self._dirty, set()
            for metric, groups in self._metric_groups.items():
                todo = [g for g in groups if g in dirty]
                if not todo:
                    continue
                pixels = int(self._plots[metric].vb.width()) // BIN_PX
                spans: list[tuple[float, float]] | None = []
                for group in todo:
                    changed = group.pack(self._buffers, pixels)
                    spans = None if changed is None or spans is None else spans + changed
                self._rasters[metric].changed(spans)
                self._follow(metric)
        self.frames += 1

    def data_range(self, metric: str) -> tuple[float, float, float, float] | None:
        """(t0, t1, ymin, ymax) over the metric's series, or None when empty."""
        t0 = t1 = y0 = y1 = math.nan
        for (_, m), buf in self._buffers.items():
            if m != metric or not buf.size:
                continue
            t, y = buf.view()
            t0, t1 = np.fmin(t0, t[0]), np.fmax(t1, t[-1])
            y0, y1 = np.fmin(y0, y.min()), np.fmax(y1, y.max())
        if math.isnan(t0):
            return None
        return float(t0), float(t1), float(y0), float(y1)

    def _follow(self, metric: str) -> None:
        """Keep the data in view, moving the range in steps rather than on every point.

        A range change makes every curve of the plot recompute its display data and the axes
        re-lay their ticks, so the range only moves when the data leaves it (with 10% headroom
        in time) or fills less than half of it. The next threshold above the data is kept in
        view when it is near.
        """
        packed = [g.curve.bounds for g in self._metric_groups.get(metric, ())]
        known = [b for b in packed if b is not None]
        if not known:
            return
        t0, t1 = min(b[0] for b in known), max(b[1] for b in known)
        y0, y1 = min(b[2] for b in known), max(b[3] for b in known)
        span = max(y1 - y0, abs(y1) * 0.05, 1e-9)
        above = [v for v, _, _ in self._thresholds.get(metric, []) if v > y1]
        if above and min(above) <= y1 + span:
            y1 = min(above)
        width = max(t1 - t0, 1.0)
        current = self._ranges.get(metric)
        share = self._legend_share(metric)  # room at the top, so the legend covers no curve
        if current is not None:
            (x0, x1), (r0, r1) = current
            below = r1 - (r1 - r0) * share  # the legend's bottom edge, as it is now
            x_ok = x0 <= t0 and t1 <= x1 and (t0 - x0) <= 0.1 * width
            y_ok = r0 <= y0 and y1 <= below and (y1 - y0) >= 0.5 * (below - r0)
            if x_ok and y_ok:
                return
        pad = 0.05 * (y1 - y0 or span)
        bottom, top = y0 - pad, y1 + pad
        top += (top - bottom) * share / (1.0 - share)
        new = ((t0, t1 + 0.1 * width), (bottom, top))
        self._ranges[metric] = new
        self._plots[metric].setRange(xRange=new[0], yRange=new[1], padding=0)

    def _legend_share(self, metric: str) -> float:
        """The share of the plot's height its legend takes from the top (0 before layout; at
        most LEGEND_SHARE_MAX, so the data still fills most of the plot)."""
        plot = self._plots[metric]
        legend = plot.legend
        view_h = float(plot.vb.height())
        if legend is None or not legend.items or view_h <= 0:
            return 0.0
        return min((float(legend.height()) + 2 * LEGEND_OFFSET_PX) / view_h, LEGEND_SHARE_MAX)

    def points(self, zone: str, metric: str) -> int:
        """How many points the series holds."""
        buf = self._buffers.get((zone, metric))
        return 0 if buf is None else buf.size

    def full_draws(self) -> int:
        """How many times a plot's curves were drawn in full (a new range, size or bin width;
        other frames redraw only the strips that changed)."""
        return sum(r.full_draws for r in self._rasters.values())

    def series_count(self) -> int:
        """How many curves exist."""
        return len(self._curves)

    def legend_labels(self, metric: str) -> list[str]:
        """The zone names the metric's legend shows, in order."""
        plot = self._plots.get(metric)
        return [full for _, p, _, full in self._legend if p is plot]

    def legend_shown(self, metric: str) -> list[tuple[str, str]]:
        """The metric's legend entries as drawn: (text, tooltip as it reads) each, in order."""
        plot = self._plots.get(metric)
        if plot is None or plot.legend is None:
            return []
        return [(str(label.text), tip_text(label.toolTip())) for _, label in plot.legend.items]

    # ---- look
    def relabel(self) -> None:
        """Name the legend's zones again (`label_of` in the current language)."""
        for i, (zone, plot, label, full) in enumerate(self._legend):
            text = self._label_of(zone)
            if text != full:
                self._legend[i] = (zone, plot, label, text)
                self._show_label(label, text)
        for plot in self._plots.values():
            if plot.legend is not None:
                plot.legend.updateSize()
            self._fit_legend(plot)

    def changeEvent(self, event: QEvent) -> None:
        """A language change renames the legend's zones."""
        if event.type() == QEvent.Type.LanguageChange:
            self.relabel()
        super().changeEvent(event)

    def restyle(self, *_: object) -> None:
        """Apply the current theme's plot colours."""
        th = theme.current()
        self._graphics.setBackground(th.plot_bg)
        for metric, plot in self._plots.items():
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(th.plot_fg))
                axis.setTextPen(pg.mkPen(th.plot_fg))
            plot.setTitle(self._titles[metric], size="9pt", color=th.plot_fg)
            if plot.legend is not None:
                bg = pg.mkColor(th.plot_bg)
                bg.setAlpha(190)
                plot.legend.setBrush(pg.mkBrush(bg))
                plot.legend.setLabelTextColor(th.plot_fg)
                # setLabelTextColor only stores the colour: redraw the labels already shown
                for _sample, label in plot.legend.items:
                    label.setText(label.text)
            self._style_thresholds(metric)

    def _style_thresholds(self, metric: str) -> None:
        th = theme.current()
        for _, level, line in self._thresholds.get(metric, []):
            line.setPen(pg.mkPen(th.risk[level], width=1.5, style=Qt.PenStyle.DashLine))
