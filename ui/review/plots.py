"""Report plots: one metric over time with its risk thresholds, drawn to PNG with pyqtgraph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from ui import theme

LEVEL_ORDER = ("blue", "yellow", "orange", "red")


@dataclass(frozen=True, slots=True)
class SeriesPlot:
    """A metric to draw: its samples (epoch seconds, value) and the thresholds to mark."""

    title: str
    unit: str
    times: Sequence[float]
    values: Sequence[float]
    thresholds: Mapping[str, float] = field(default_factory=dict)


def render_png(plot: SeriesPlot, width: int = 900, height: int = 320) -> bytes:
    """Draw `plot` (x in minutes from its first sample) as PNG bytes. Needs a QApplication."""
    th = theme.LIGHT
    widget = pg.PlotWidget(background=th.plot_bg)
    widget.resize(width, height)
    item = widget.getPlotItem()
    item.setTitle(plot.title, color=th.plot_fg)
    item.showGrid(x=True, y=True, alpha=0.2)
    item.setLabel("bottom", "minutes")
    item.setLabel("left", plot.unit)
    if plot.times:
        t = np.asarray(plot.times, dtype=float)
        x = (t - t[0]) / 60.0
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
