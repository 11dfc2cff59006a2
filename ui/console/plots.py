"""Live plots of key metrics: one plot per metric, one curve item per zone colour, threshold lines.

Each (zone, metric) series lives in a pre-allocated NumPy ring buffer; appending only marks it
dirty. A fixed-rate QTimer (default 30 Hz) rebuilds each dirty colour group once per tick: the
group's series are peak-downsampled to the plot's pixel width and packed into one pre-allocated
array pair with NaN separators, pushed with a single `setData` (`connect="finite"`,
`skipFiniteCheck=True`, 1 px non-antialiased pen). Auto-range is off; the ranges are set once
per tick from bounds gathered while packing. So a frame costs one curve item per colour and plot,
whatever the number of zones, and its drawing follows the pixels, not the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout, QWidget

from ui import theme

LEGEND_MAX = 8
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
    ymin, ymax = float(lo.min()), float(hi.max())
    if head or tail:
        ends = np.concatenate((y[:head], y[stop:]))
        ymin, ymax = min(ymin, float(ends.min())), max(ymax, float(ends.max()))
    return mid + tail, ymin, ymax


def _cache(item: QGraphicsItem) -> None:
    """Keep `item` and its children as pixmaps in device coordinates (re-rendered when they
    change or the view moves): axes, titles, legends and threshold lines then cost a blit per
    frame instead of their text and dash drawing."""
    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    for child in item.childItems():
        _cache(child)


class _GroupCurve(pg.PlotCurveItem):  # type: ignore[misc]
    """A curve whose data bounds are known when its data is packed (no re-scan per paint), drawn
    as one polyline per series straight from the packed arrays.

    pyqtgraph would turn the packed data into a QPainterPath on every change (NumPy work over
    every point, then a path stroke); a polyline per series, filled through a NumPy view of its
    QPolygonF, draws the same 1 px pixels for a fraction of the cost.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bounds: tuple[float, float, float, float] | None = None
        self._runs: list[tuple[int, int]] = []  # (start, stop) of each series in xData/yData
        self._polys: list[QPolygonF] = []
        self._stale = True

    def set_packed(
        self,
        x: np.ndarray,
        y: np.ndarray,
        runs: list[tuple[int, int]],
        bounds: tuple[float, float, float, float] | None,
    ) -> None:
        """New packed data: `runs` are the series' index ranges (NaN separators between)."""
        self.bounds = bounds
        self._runs = runs
        self._stale = True
        self.setData(x, y)

    def _polylines(self) -> list[QPolygonF]:
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

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        """Draw each series as one non-antialiased polyline with the curve's pen."""
        if not self._runs or self.xData is None:
            return
        pen = self.opts["pen"]
        if pen is None or pen.style() == Qt.PenStyle.NoPen:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(pen)
        for poly in self._polylines():
            p.drawPolyline(poly)

    def dataBounds(
        self, ax: int, frac: float = 1.0, orthoRange: Any = None
    ) -> tuple[float | None, float | None]:
        """The packed bounds for the full range (what painting and the scene ask for)."""
        if frac >= 1.0 and orthoRange is None:
            b = self.bounds
            if b is None:
                return (None, None)
            return (b[0], b[1]) if ax == 0 else (b[2], b[3])
        found: tuple[float | None, float | None] = super().dataBounds(ax, frac, orthoRange)
        return found


class _Group:
    """The series of one plot drawn in one colour: one curve item, one packed array pair."""

    __slots__ = ("curve", "keys", "x", "y")

    def __init__(self, curve: _GroupCurve) -> None:
        self.curve = curve
        self.keys: list[tuple[str, str]] = []
        self.x = np.empty(0)
        self.y = np.empty(0)

    def add(self, key: tuple[str, str], capacity: int) -> None:
        """One more series; the packed arrays grow once to hold every series at capacity."""
        self.keys.append(key)
        size = len(self.keys) * (capacity + 1)
        if self.x.size < size:
            self.x = np.full(size, np.nan)
            self.y = np.full(size, np.nan)

    def pack(self, buffers: dict[tuple[str, str], RingBuffer], pixels: int) -> None:
        """Rebuild the packed data from the ring buffers and push it with one `setData`."""
        x, y = self.x, self.y
        n = 0
        runs: list[tuple[int, int]] = []
        t0 = y0 = math.inf
        t1 = y1 = -math.inf
        for key in self.keys:
            buf = buffers[key]
            if not buf.size:
                continue
            t, v = buf.view()
            t0, t1 = min(t0, float(t[0])), max(t1, float(t[-1]))
            if n:
                x[n] = y[n] = math.nan  # the separator: connect="finite" lifts the pen here
                n += 1
            ds = buf.size // pixels if pixels > 0 else 1
            if ds >= 2 and buf.size >= 4 * ds:
                m, lo, hi = _peak(t, v, buf.total - buf.size, ds, x[n:], y[n:])
            else:
                m = t.size
                x[n : n + m] = t
                y[n : n + m] = v
                lo, hi = float(v.min()), float(v.max())
            runs.append((n, n + m))
            n += m
            y0, y1 = min(y0, lo), max(y1, hi)
        self.curve.set_packed(x[:n], y[:n], runs, None if n == 0 else (t0, t1, y0, y1))


class LivePlots(QWidget):
    """The plots panel: `append(zone, metric, t, value)`; redraws dirty curves at `fps`."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        fps: float = 30.0,
        capacity: int = 3600,
        columns: int = 2,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("livePlots")
        self.capacity = capacity
        self.columns = columns
        self._graphics = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._graphics)
        self._plots: dict[str, pg.PlotItem] = {}
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
            # no grid: its lines cost as much to paint as 200 curves; threshold lines remain
            plot.setMenuEnabled(False)
            plot.hideButtons()
            # Ranges follow the data, computed once per frame from the ring buffers in
            # `redraw`: pyqtgraph's auto-range would re-scan every curve on every setData.
            plot.disableAutoRange()
            plot.setMouseEnabled(x=False, y=False)
            legend = plot.addLegend(offset=(5, 5), labelTextSize="8pt", colCount=4)
            legend.setZValue(20)
            self._plots[metric] = plot
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
                group = self._groups[(metric, colour)] = _Group(item)
                self._metric_groups.setdefault(metric, []).append(group)
            shown = sum(1 for _, m in self._curves if m == metric)
            # a legend of dozens of zones is noise (and costs text drawing on every frame)
            if shown < LEGEND_MAX and plot.legend is not None:
                plot.legend.addItem(pg.PlotDataItem(pen=pen), zone)
                _cache(plot.legend)
            group.add(key, self.capacity)
            curve = self._curves[key] = group.curve
            self._buffers[key] = RingBuffer(self.capacity)
            self._group_of[key] = group
        return curve

    def set_zones(self, zones: Sequence[str]) -> None:
        """Fix each zone's colour by its place in the incident's zone list, so a zone keeps its
        colour from run to run whichever feed reports first (zones not listed get the next
        colours as they appear)."""
        for i, zone in enumerate(zones):
            self._zone_colour.setdefault(zone, ZONE_COLOURS[i % len(ZONE_COLOURS)])

    def colour_of(self, zone: str) -> str | None:
        """The colour `zone`'s curves are drawn in (None before it has one)."""
        return self._zone_colour.get(zone)

    def set_thresholds(self, metric: str, thresholds: Iterable[tuple[float, int]]) -> None:
        """Horizontal lines at each (value, level) on the metric's plot, coloured by level.

        The plot itself appears with the metric's first series (no empty plots).
        """
        self._pending[metric] = list(thresholds)
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
                for group in todo:
                    group.pack(self._buffers, pixels)
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
        if current is not None:
            (x0, x1), (r0, r1) = current
            x_ok = x0 <= t0 and t1 <= x1 and (t0 - x0) <= 0.1 * width
            y_ok = r0 <= y0 and y1 <= r1 and (y1 - y0) >= 0.5 * (r1 - r0)
            if x_ok and y_ok:
                return
        pad = 0.05 * (y1 - y0 or span)
        new = ((t0, t1 + 0.1 * width), (y0 - pad, y1 + pad))
        self._ranges[metric] = new
        self._plots[metric].setRange(xRange=new[0], yRange=new[1], padding=0)

    def points(self, zone: str, metric: str) -> int:
        """How many points the series holds."""
        buf = self._buffers.get((zone, metric))
        return 0 if buf is None else buf.size

    def series_count(self) -> int:
        """How many curves exist."""
        return len(self._curves)

    # ---- look
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
