"""Report plots: one metric over time with its risk thresholds, drawn to PNG with pyqtgraph.

The x axis is the incident's clock time in its own time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from ui import theme

LEVEL_ORDER = ("blue", "yellow", "orange", "red")


@dataclass(frozen=True, slots=True)
class SeriesPlot:
    """A metric to draw: its samples (epoch seconds, value), the thresholds to mark, the time
    zone of the axis, and optional raw samples drawn faintly behind."""

    title: str
    unit: str
    times: Sequence[float]
    values: Sequence[float]
    thresholds: Mapping[str, float] = field(default_factory=dict)
    timezone: tzinfo = UTC
    raw_times: Sequence[float] = ()
    raw_values: Sequence[float] = ()


def _utc_offset(zone: tzinfo, ts: float) -> int:
    """Seconds west of UTC at `ts` (pyqtgraph's DateAxisItem convention)."""
    offset = datetime.fromtimestamp(ts, UTC).astimezone(zone).utcoffset()
    return -int(offset.total_seconds()) if offset is not None else 0


def render_png(plot: SeriesPlot, width: int = 900, height: int = 320) -> bytes:
    """Draw `plot` (x: clock time in its zone) as PNG bytes. Needs a QApplication."""
    th = theme.LIGHT
    first = plot.times[0] if plot.times else 0.0
    axis = pg.DateAxisItem(orientation="bottom", utcOffset=_utc_offset(plot.timezone, first))
    widget = pg.PlotWidget(background=th.plot_bg, axisItems={"bottom": axis})
    widget.resize(width, height)
    item = widget.getPlotItem()
    item.setTitle(plot.title, color=th.plot_fg)
    item.showGrid(x=True, y=True, alpha=0.2)
    zone_name = str(getattr(plot.timezone, "key", None) or plot.timezone.tzname(None) or "UTC")
    item.setLabel("bottom", f"time ({zone_name})")
    item.setLabel("left", plot.unit)
    if plot.raw_times:
        faint = pg.mkColor(th.plot_fg)
        faint.setAlpha(60)
        item.plot(
            np.asarray(plot.raw_times, dtype=float),
            np.asarray(plot.raw_values, dtype=float),
            pen=None,
            symbol="o",
            symbolSize=3,
            symbolPen=None,
            symbolBrush=faint,
        )
    if plot.times:
        x = np.asarray(plot.times, dtype=float)
        y = np.asarray(plot.values, dtype=float)
        item.plot(x, y, pen=pg.mkPen(th.highlight, width=2))
    for i, name in enumerate(LEVEL_ORDER):
        if name in plot.thresholds:
            colour = th.risk[i + 1]
            line = pg.InfiniteLine(
                pos=float(plot.thresholds[name]),
                angle=0,
                pen=pg.mkPen(colour, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine),
                label=name,
                labelOpts={"color": colour, "position": 0.97},
            )
            item.addItem(line)
    item.resize(width, height)  # an unshown widget has no layout: size the plot item itself
    exporter = ImageExporter(item)
    exporter.parameters()["width"] = width
    exporter.parameters()["height"] = height
    image = exporter.export(toBytes=True)
    raw = QByteArray()  # must outlive the buffer writing into it
    buffer = QBuffer(raw)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    data = bytes(raw.data())
    widget.close()
    widget.deleteLater()
    return data
