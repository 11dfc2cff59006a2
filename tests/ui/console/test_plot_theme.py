"""Switching themes restyles the plots' legends and axes: legend text stays readable."""

from __future__ import annotations

import re

import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui import theme
from ui.console.plots import LivePlots


def _luminance(c: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 … 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _drawn_colour(label: pg.LabelItem) -> QColor:
    """The colour the legend label's text is actually drawn in (from its rendered HTML)."""
    found = re.findall(r"color:\s*(#[0-9a-fA-F]{6,8})", label.item.toHtml())
    assert found, label.item.toHtml()
    return QColor(found[-1])


def test_legend_text_keeps_contrast_after_dark_then_light(qtbot: QtBot, qapp: QApplication) -> None:
    theme.apply_theme(qapp, "light")
    plots = LivePlots(fps=0)
    qtbot.addWidget(plots)
    plots.extend("north", "crowd", [1.0, 2.0], [3.0, 4.0])
    plots.extend("south", "crowd", [1.0, 2.0], [1.0, 2.0])
    plot = plots.plot("crowd")
    try:
        for name in ("dark", "light"):
            theme.apply_theme(qapp, name)
            bg = QColor(theme.current().plot_bg)
            labels = [label for _, label in plot.legend.items]
            assert labels
            for label in labels:
                assert contrast(_drawn_colour(label), bg) >= 3.0, name
            for axis in ("left", "bottom"):
                assert contrast(plot.getAxis(axis).textPen().color(), bg) >= 3.0
    finally:
        theme.apply_theme(qapp, "light")
