"""Zone map: GeoJSON zone outlines filled with their five-level risk colour, one label per zone.

Longitude/latitude are projected equirectangularly around the map's mean latitude (x scaled by
cos(lat)), in metres, with y pointing north-up. Labels ignore the view transform so they stay
readable at any zoom; the view fits the zones on every resize.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from command.errors import BatonError
from ui import theme
from ui.i18n import marked

LEVEL_TITLES = (
    marked(QT_TRANSLATE_NOOP("RiskLevel", "green")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "blue")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "yellow")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "orange")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "red")),
)
NO_DATA = marked(QT_TRANSLATE_NOOP("RiskLevel", "no data"))
M_PER_DEG = 111_320.0


def level_text(level: int | None) -> str:
    """The risk level's colour name in the current language ("no data" for None)."""
    if level is None:
        return QCoreApplication.translate("RiskLevel", NO_DATA)
    return QCoreApplication.translate("RiskLevel", LEVEL_TITLES[min(4, max(0, level))])


@dataclass(frozen=True, slots=True)
class ZoneShape:
    """A zone outline from GeoJSON: id, display name and rings of (lon, lat)."""

    zone: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


def read_zones(source: Path | Mapping[str, Any]) -> list[ZoneShape]:
    """Zone shapes from a GeoJSON FeatureCollection (a path or the parsed dict).

    A feature's zone id is `properties.id` / `zone` / `key`, else the feature `id`; its name is
    `properties.name`, else the id. Polygon and MultiPolygon geometries are read.
    """
    if isinstance(source, Path):
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise BatonError(f"cannot read zone outlines {source}: {err}") from None
    else:
        data = source
    shapes = []
    for feature in data.get("features", ()):
        props = feature.get("properties") or {}
        zone = props.get("id") or props.get("zone") or props.get("key") or feature.get("id")
        geom = feature.get("geometry") or {}
        if not zone or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings = tuple(
            tuple((float(p[0]), float(p[1])) for p in ring) for poly in polys for ring in poly
        )
        shapes.append(ZoneShape(str(zone), str(props.get("name") or zone), rings))
    return shapes


def grid_zones(names: Sequence[tuple[str, str]]) -> list[ZoneShape]:
    """Made-up rectangular outlines for (zone id, name) pairs that have no GeoJSON: three to a
    row along a river bank (lon/lat near the Bund), so the map still shows every zone."""
    shapes = []
    lon0, lat0 = 121.4870, 31.2330
    for i, (zid, name) in enumerate(names):
        col, row = i % 3, i // 3
        x0 = lon0 + col * 0.0032 + (row % 2) * 0.0012
        y0 = lat0 + row * 0.0030
        w, h = 0.0029, 0.0026
        ring = ((x0, y0), (x0 + w, y0), (x0 + w * 1.05, y0 + h), (x0 - w * 0.05, y0 + h), (x0, y0))
        shapes.append(ZoneShape(zid, name, (ring,)))
    return shapes


class _Label(QGraphicsRectItem):
    """A zone label: name and figure on a translucent plate, unaffected by zoom."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.text = QGraphicsSimpleTextItem(self)
        font = QFont()
        font.setPointSizeF(9.0)
        self.text.setFont(font)

    def set_text(self, text: str, fg: QColor, bg: QColor) -> None:
        self.text.setText(text)
        self.text.setBrush(QBrush(fg))
        bg = QColor(bg)
        bg.setAlpha(200)
        self.setBrush(QBrush(bg))
        r = self.text.boundingRect()
        pad = 3.0
        self.setRect(
            QRectF(
                -r.width() / 2 - pad,
                -r.height() / 2 - pad,
                r.width() + 2 * pad,
                r.height() + 2 * pad,
            )
        )
        self.text.setPos(-r.width() / 2, -r.height() / 2)


class ZoneMap(QGraphicsView):
    """The zone map widget. `set_level` / `set_figure` update one zone; `focus_zone` zooms to it.

    A zone whose level was never set (or was set to None) has no data yet: it is drawn grey and
    hatched, labelled "no data", never green.
    """

    zone_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoneMap")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumSize(200, 160)
        self._shapes: dict[str, ZoneShape] = {}
        self._items: dict[str, QGraphicsPathItem] = {}
        self._labels: dict[str, _Label] = {}
        self._levels: dict[str, int | None] = {}
        self._figures: dict[str, str] = {}
        self._focused: str | None = None
        self._anchors: dict[str, QPointF] = {}
        theme.notifier().theme_changed.connect(self.restyle)

    # ---- content
    def load(self, shapes: Iterable[ZoneShape]) -> None:
        """Replace the zones drawn with `shapes`."""
        scene = self.scene()
        scene.clear()
        self._items.clear()
        self._labels.clear()
        self._anchors.clear()
        self._shapes = {s.zone: s for s in shapes}
        lats = [lat for s in self._shapes.values() for ring in s.rings for _, lat in ring]
        lons = [lon for s in self._shapes.values() for ring in s.rings for lon, _ in ring]
        lat0 = sum(lats) / len(lats) if lats else 0.0
        lon0 = sum(lons) / len(lons) if lons else 0.0
        kx = M_PER_DEG * math.cos(math.radians(lat0))
        for shape in self._shapes.values():
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)
            for ring in shape.rings:
                # metres from the map's centre (small numbers keep the transforms exact)
                pts = [QPointF((lon - lon0) * kx, -(lat - lat0) * M_PER_DEG) for lon, lat in ring]
                if pts:
                    path.moveTo(pts[0])
                    for p in pts[1:]:
                        path.lineTo(p)
                    path.closeSubpath()
            item = QGraphicsPathItem(path)
            # small zones (a ferry point) above large ones (the river) so every zone shows
            bounds = path.boundingRect()
            item.setZValue(-bounds.width() * bounds.height())
            item.setToolTip(shape.name)
            item.setData(0, shape.zone)
            scene.addItem(item)
            self._items[shape.zone] = item
            label = _Label()
            self._anchors[shape.zone] = path.boundingRect().center()
            label.setPos(self._anchors[shape.zone])
            label.setZValue(10)
            scene.addItem(label)
            self._labels[shape.zone] = label
        bounds = self._zones_rect()
        # a fixed scene rect: labels placed outside the zones must not widen the scene
        scene.setSceneRect(
            bounds.adjusted(-bounds.width(), -bounds.height(), bounds.width(), bounds.height())
        )
        self.restyle()
        self.fit()

    def _zones_rect(self) -> QRectF:
        rect = QRectF()
        for item in self._items.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def zones(self) -> list[str]:
        """Zone ids in drawing order (Ctrl+1..9 follow this order)."""
        return list(self._shapes)

    def set_level(self, zone: str, level: int | None) -> None:
        """Fill `zone` with the colour of risk `level` (0 green … 4 red; None: no data yet)."""
        level = None if level is None else min(4, max(0, int(level)))
        if zone in self._levels and self._levels[zone] == level and zone in self._items:
            return
        self._levels[zone] = level
        self._style_zone(zone)
        self.declutter()

    def set_figure(self, zone: str, text: str) -> None:
        """Show `text` (the zone's key figure, e.g. "3.1 p/m²") under the zone's name."""
        if self._figures.get(zone) == text:
            return
        self._figures[zone] = text
        self._style_zone(zone)
        self.declutter()

    def level(self, zone: str) -> int:
        """The level shown for `zone` (0 when it has no data)."""
        return self._levels.get(zone) or 0

    def has_data(self, zone: str) -> bool:
        """False while `zone` is drawn as "no data"."""
        return self._levels.get(zone) is not None

    def zone_brush(self, zone: str) -> QColor:
        """The fill colour currently drawn for `zone`."""
        return self._items[zone].brush().color()

    def label_text(self, zone: str) -> str:
        """The label currently drawn for `zone`."""
        return self._labels[zone].text.text()

    # ---- view
    def fit(self) -> None:
        """Fit the focused zone, or all zones, into the view."""
        if self._focused in self._items:
            rect = self._items[self._focused].sceneBoundingRect()
        else:  # the zones only: labels move with the view and must not widen it
            rect = self._zones_rect()
        if rect.isEmpty():
            return
        m = max(rect.width(), rect.height()) * 0.04
        self.fitInView(rect.adjusted(-m, -m, m, m), Qt.AspectRatioMode.KeepAspectRatio)
        self.declutter()

    def declutter(self) -> None:
        """Move labels apart so none covers another (labels keep their size at any zoom).

        Each label starts at its zone's centre; going down the map, a label that would overlap
        one already placed is pushed below it. Works in view pixels, then maps back.
        """
        placed: list[QRectF] = []
        order = sorted(self._labels, key=lambda z: self._anchors.get(z, QPointF()).y())
        for zone in order:
            label = self._labels[zone]
            anchor = self._anchors.get(zone)
            if anchor is None:
                continue
            centre = QPointF(self.mapFromScene(anchor))
            r = label.rect()
            box = QRectF(centre.x() + r.left(), centre.y() + r.top(), r.width(), r.height())
            view = QRectF(self.viewport().rect())
            if box.left() < view.left() + 2:  # keep labels inside the view
                box.moveLeft(view.left() + 2)
            if box.right() > view.right() - 2:
                box.moveRight(view.right() - 2)
            moved = True
            while moved:
                moved = False
                for other in placed:
                    if box.intersects(other):
                        box.moveTop(other.bottom() + 2)
                        moved = True
            placed.append(box)
            label.setPos(self.mapToScene(box.center().toPoint()))

    def focus_zone(self, index: int) -> str | None:
        """Zoom to the zone at `index` (0-based) or back to all when it is focused already."""
        zones = self.zones()
        if not 0 <= index < len(zones):
            return None
        zone = zones[index]
        self._focused = None if self._focused == zone else zone
        self.restyle()
        self.fit()
        self.zone_selected.emit(zone)
        return zone

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the zones fitted."""
        super().resizeEvent(event)
        self.fit()

    def changeEvent(self, event: QEvent) -> None:
        """Relabel on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.restyle()
        super().changeEvent(event)

    def restyle(self, *_: Any) -> None:
        """Recolour every zone and label from the current theme."""
        th = theme.current()
        self.setBackgroundBrush(QBrush(th.color("base")))
        for zone in self._items:
            self._style_zone(zone)
        self.declutter()

    def _style_zone(self, zone: str) -> None:
        item = self._items.get(zone)
        if item is None:
            return
        th = theme.current()
        level = self._levels.get(zone)
        if level is None:
            item.setBrush(QBrush(th.color("muted"), Qt.BrushStyle.BDiagPattern))
        else:
            item.setBrush(QBrush(th.risk_color(level)))
        pen = QPen(th.color("zone_outline"), 3.0 if zone == self._focused else 1.2)
        pen.setCosmetic(True)
        item.setPen(pen)
        shape = self._shapes[zone]
        figure = self._figures.get(zone, "")
        lines: Sequence[str] = [
            shape.name,
            f"{figure}  ·  {level_text(level)}" if figure else level_text(level),
        ]
        self._labels[zone].set_text("\n".join(lines), th.color("text"), th.color("base"))
