"""Zone map: GeoJSON zone outlines filled with their five-level risk colour, one label per zone.

Longitude/latitude are projected equirectangularly around the map's mean latitude (x scaled by
cos(lat)), in metres, with y pointing north-up. Under the zones lie the scenario's context
layers (water, roads, tunnels, landmarks); zones too small to see at the map's scale (a ferry
point) are drawn as markers above the areas. Labels ignore the view transform so they stay
readable at any zoom, are placed so that none covers another or a marker (a leader line joins
a moved label to its zone), and context names that would collide are left out. A scale bar and a
north arrow sit in the corners; the view fits the zones on every resize.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QLineF,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from command.errors import BatonError
from command.fold import ZoneReading
from command.interop.cot import UnitPosition
from ui import theme
from ui.console.mapdata import (
    ContextFeature,
    ZoneShape,
    grid_zones,
    length_text,
    nice_length,
    read_context,
    read_units,
    read_zones,
)
from ui.console.numbers import format_metric
from ui.i18n import local, marked
from ui.labels import plain_tip

__all__ = [
    "ContextFeature",
    "ZoneMap",
    "ZoneShape",
    "grid_zones",
    "level_text",
    "nice_length",
    "read_context",
    "read_units",
    "read_zones",
]

LEVEL_TITLES = (
    marked(QT_TRANSLATE_NOOP("RiskLevel", "green")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "blue")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "yellow")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "orange")),
    marked(QT_TRANSLATE_NOOP("RiskLevel", "red")),
)
NO_DATA = marked(QT_TRANSLATE_NOOP("RiskLevel", "no data"))
NOT_RATED = marked(QT_TRANSLATE_NOOP("RiskLevel", "not rated"))
STALE = marked(QT_TRANSLATE_NOOP("RiskLevel", "stale"))
NORTH = marked(QT_TRANSLATE_NOOP("ZoneMap", "N"))
M_PER_DEG = 111_320.0
POINT_FRACTION = 0.06  # a zone smaller than this share of the map's extent is drawn as a marker
MARKER_RADIUS = 8.0  # px
AREA_ALPHA = 170  # area fills let the roads and water under them show through
SCALE_TARGET_PX = 110.0  # the scale bar is the longest round length up to about this
# z bands: context under every zone (zones sit at minus their bounding area in m²)
Z_WATER, Z_ROAD, Z_TUNNEL, Z_LANDMARK = -4e12, -3e12, -2e12, -1e12
Z_MARKER, Z_UNIT, Z_LEADER, Z_CONTEXT_LABEL, Z_LABEL = 5.0, 6.0, 8.0, 9.0, 10.0


def level_text(level: int | None) -> str:
    """The risk level's colour name in the current language ("no data" for None)."""
    if level is None:
        return QCoreApplication.translate("RiskLevel", NO_DATA)
    return QCoreApplication.translate("RiskLevel", LEVEL_TITLES[min(4, max(0, level))])


class _Label(QGraphicsRectItem):
    """A label on a translucent plate, unaffected by zoom, centred on its position."""

    def __init__(self, size: float = 9.0, italic: bool = False) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.text = QGraphicsSimpleTextItem(self)
        font = QFont()
        font.setPointSizeF(size)
        font.setItalic(italic)
        self.text.setFont(font)

    def set_text(self, text: str, fg: QColor, bg: QColor, alpha: int = 215) -> None:
        self.text.setText(text)
        self.text.setBrush(QBrush(fg))
        bg = QColor(bg)
        bg.setAlpha(alpha)
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


def _marker_item(radius: float) -> QGraphicsEllipseItem:
    item = QGraphicsEllipseItem(-radius, -radius, 2 * radius, 2 * radius)
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    return item


def _boxes_around(centre: QPointF, w: float, h: float, gap: float, marker: bool) -> list[QRectF]:
    """Candidate label boxes (view px): on the anchor for an area, then ever farther around
    it; beside the marker first for a point."""
    out: list[QRectF] = []
    if not marker:
        out.append(QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h))
    for ring in range(6):
        d = gap + ring * (h * 0.9 + 4)
        dx = w / 2 + d
        dy = h / 2 + d
        for ox, oy in (
            (dx, 0.0),
            (-dx, 0.0),
            (0.0, -dy),
            (0.0, dy),
            (dx, -dy),
            (dx, dy),
            (-dx, -dy),
            (-dx, dy),
        ):
            out.append(QRectF(centre.x() + ox - w / 2, centre.y() + oy - h / 2, w, h))
    return out


class ZoneMap(QGraphicsView):
    """The zone map widget. `set_level` / `set_figure` update one zone; `focus_zone` zooms to it;
    `set_context` draws the scenario's context layers; `set_units` draws TAK unit positions.

    A zone whose level was never set (or was set to None) has no data yet: it is drawn grey and
    hatched (a hollow dashed marker for a point), labelled "no data", never in a risk colour.
    """

    zone_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoneMap")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setMinimumSize(200, 160)
        self._shapes: dict[str, ZoneShape] = {}
        self._items: dict[str, QGraphicsPathItem] = {}
        self._markers: dict[str, QGraphicsEllipseItem] = {}
        self._labels: dict[str, _Label] = {}
        self._leaders: dict[str, QGraphicsLineItem] = {}
        self._levels: dict[str, int | None] = {}
        self._unrated: set[str] = set()  # zones with data but no thresholds: no risk colour
        self._stale: set[str] = set()  # zones whose shown figure's feeds went silent
        self._figures: dict[str, str] = {}
        self._readings: dict[str, ZoneReading] = {}  # figures worded again on a language switch
        self._focused: str | None = None
        self._anchors: dict[str, QPointF] = {}
        self._context: list[ContextFeature] = []
        self._context_items: list[tuple[ContextFeature, QGraphicsItem]] = []
        self._context_labels: list[tuple[ContextFeature, _Label, QPointF]] = []
        self._units: dict[str, UnitPosition] = {}
        self._unit_items: dict[str, tuple[QGraphicsPolygonItem, _Label]] = {}
        self._origin = (0.0, 0.0, M_PER_DEG)  # lon0, lat0, metres per degree of longitude
        self._units_path: Path | None = None
        self._units_mtime = -1.0
        self._units_timer: QTimer | None = None
        theme.notifier().theme_changed.connect(self.restyle)

    # ---- projection
    def project(self, lon: float, lat: float) -> QPointF:
        """Scene point (metres from the map's centre, y down) of `lon`, `lat`."""
        lon0, lat0, kx = self._origin
        return QPointF((lon - lon0) * kx, -(lat - lat0) * M_PER_DEG)

    # ---- content
    def load(self, shapes: Iterable[ZoneShape]) -> None:
        """Replace the zones drawn with `shapes` (the context and units are drawn again)."""
        scene = self.scene()
        scene.clear()
        self._items.clear()
        self._markers.clear()
        self._labels.clear()
        self._leaders.clear()
        self._anchors.clear()
        self._context_items.clear()
        self._context_labels.clear()
        self._unit_items.clear()
        self._shapes = {s.zone: s for s in shapes}
        lats = [lat for s in self._shapes.values() for ring in s.rings for _, lat in ring]
        lons = [lon for s in self._shapes.values() for ring in s.rings for lon, _ in ring]
        lat0 = sum(lats) / len(lats) if lats else 0.0
        lon0 = sum(lons) / len(lons) if lons else 0.0
        self._origin = (lon0, lat0, M_PER_DEG * math.cos(math.radians(lat0)))
        for shape in self._shapes.values():
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)
            for ring in shape.rings:
                # metres from the map's centre (small numbers keep the transforms exact)
                pts = [self.project(lon, lat) for lon, lat in ring]
                if len(pts) > 1:
                    path.moveTo(pts[0])
                    for p in pts[1:]:
                        path.lineTo(p)
                    path.closeSubpath()
                elif pts:
                    path.addEllipse(pts[0], 0.5, 0.5)
            item = QGraphicsPathItem(path)
            # small zones above large ones (the river) so every zone shows
            bounds = path.boundingRect()
            item.setZValue(-bounds.width() * bounds.height())
            item.setData(0, shape.zone)
            scene.addItem(item)
            self._items[shape.zone] = item
            self._anchors[shape.zone] = bounds.center()
            label = _Label()
            label.setPos(bounds.center())
            label.setZValue(Z_LABEL)
            scene.addItem(label)
            self._labels[shape.zone] = label
            leader = QGraphicsLineItem()
            leader.setZValue(Z_LEADER)
            leader.setVisible(False)
            scene.addItem(leader)
            self._leaders[shape.zone] = leader
        extent = self._zones_rect()
        size = max(extent.width(), extent.height())
        for shape in self._shapes.values():
            b = self._items[shape.zone].path().boundingRect()
            if max(b.width(), b.height()) < POINT_FRACTION * size or len(shape.rings[0]) == 1:
                marker = _marker_item(MARKER_RADIUS)
                marker.setPos(self._anchors[shape.zone])
                marker.setZValue(Z_MARKER)
                marker.setData(0, shape.zone)
                self._items[shape.zone].setVisible(False)  # the marker stands for it
                scene.addItem(marker)
                self._markers[shape.zone] = marker
        self._draw_context()
        self._draw_units()
        bounds = self._zones_rect()
        # a fixed scene rect: labels placed outside the zones must not widen the scene
        scene.setSceneRect(
            bounds.adjusted(-bounds.width(), -bounds.height(), bounds.width(), bounds.height())
        )
        self.restyle()
        self.fit()

    def set_context(self, features: Iterable[ContextFeature]) -> None:
        """Draw these context features (water, roads, tunnels, landmarks) under the zones."""
        self._context = list(features)
        self.load(list(self._shapes.values()))

    def set_units(self, units: Iterable[UnitPosition]) -> None:
        """Draw these TAK unit positions (friendly units with callsigns), replacing the last."""
        self._units = {u.uid: u for u in units}
        for tri, label in self._unit_items.values():
            self.scene().removeItem(tri)
            self.scene().removeItem(label)
        self._unit_items.clear()
        self._draw_units()
        self.restyle()

    def follow_units(self, path: Path, every_ms: int = 5000) -> None:
        """Draw the TAK units `baton tak --units-out PATH` writes, re-read whenever the file
        changes (checked every `every_ms`); a missing or half-written file keeps the last units."""
        self._units_path = path
        self._units_mtime = -1.0
        if self._units_timer is None:
            self._units_timer = QTimer(self)
            self._units_timer.timeout.connect(self._reload_units)
        self._units_timer.start(every_ms)
        self._reload_units()

    def _reload_units(self) -> None:
        path = self._units_path
        try:
            mtime = path.stat().st_mtime if path is not None else -1.0
        except OSError:
            return
        if path is None or mtime == self._units_mtime:
            return
        try:
            units = read_units(path)
        except BatonError:
            return  # written again in a moment (baton tak replaces it atomically)
        self._units_mtime = mtime
        self.set_units(units)

    def _draw_context(self) -> None:
        scene = self.scene()
        for feature in self._context:
            pts = [[self.project(lon, lat) for lon, lat in part] for part in feature.parts]
            item: QGraphicsItem
            if feature.kind == "landmark":
                item = QGraphicsRectItem(-3, -3, 6, 6)
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
                item.setPos(pts[0][0])
                item.setZValue(Z_LANDMARK)
                anchor = pts[0][0]
            else:
                path = QPainterPath()
                for part in pts:
                    if not part:
                        continue
                    path.moveTo(part[0])
                    for p in part[1:]:
                        path.lineTo(p)
                    if feature.kind in ("water", "land"):
                        path.closeSubpath()
                item = QGraphicsPathItem(path)
                item.setZValue(
                    {"water": Z_WATER, "land": Z_WATER, "tunnel": Z_TUNNEL}.get(
                        feature.kind, Z_ROAD
                    )
                )
                line = pts[0]
                anchor = (
                    line[len(line) // 2]
                    if feature.kind in ("road", "tunnel")
                    else (path.boundingRect().center())
                )
                if feature.kind in ("road", "tunnel") and len(line) % 2 == 0 and len(line) > 1:
                    a, b = line[len(line) // 2 - 1], line[len(line) // 2]
                    anchor = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
            item.setToolTip(plain_tip(feature.name))
            scene.addItem(item)
            self._context_items.append((feature, item))
            if feature.kind == "landmark":
                anchor = QPointF(anchor)  # the label goes beside the square (see declutter)
            if feature.name:
                label = _Label(size=7.5, italic=True)
                label.setZValue(Z_CONTEXT_LABEL)
                label.setPos(anchor)
                scene.addItem(label)
                self._context_labels.append((feature, label, anchor))

    def _draw_units(self) -> None:
        scene = self.scene()
        for uid, unit in self._units.items():
            tri = QGraphicsPolygonItem(QPolygonF([QPointF(0, -7), QPointF(6, 5), QPointF(-6, 5)]))
            tri.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            tri.setPos(self.project(unit.lon, unit.lat))
            tri.setZValue(Z_UNIT)
            tri.setToolTip(plain_tip(f"{unit.callsign} ({unit.type})"))
            label = _Label(size=7.5)
            label.setZValue(Z_CONTEXT_LABEL)
            scene.addItem(tri)
            scene.addItem(label)
            self._unit_items[uid] = (tri, label)

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

    def is_rated(self, zone: str) -> bool:
        """False while `zone` is drawn "not rated": it has data but no thresholds (the tunnel
        lane), so it has a neutral fill, never green (see `show_reading`)."""
        return zone not in self._unrated

    def show_reading(self, zone: str, reading: ZoneReading) -> None:
        """Draw `zone` as `reading` says (`command.fold.zone_reading`, the one rule of every
        view): its level, "no data", "not rated", its figure ("72 buses", "open to riders")
        and, when its feeds went silent, "stale" with the last level cross-hatched, never a
        solid fill that reads as fresh."""
        level = None if reading.level is None else min(4, max(0, int(reading.level)))
        self._readings[zone] = reading
        figure = _figure_of(zone, reading)
        same = (
            zone in self._items
            and zone in self._levels
            and self._levels[zone] == level
            and (zone not in self._unrated) == reading.rated
            and (zone in self._stale) == reading.stale
            and self._figures.get(zone, "") == figure
        )
        if same:
            return
        self._levels[zone] = level
        (self._unrated.discard if reading.rated else self._unrated.add)(zone)
        (self._stale.add if reading.stale else self._stale.discard)(zone)
        self._figures[zone] = figure
        self._style_zone(zone)
        self.declutter()

    def is_stale(self, zone: str) -> bool:
        """True while `zone` is drawn "stale" (see `show_reading`)."""
        return zone in self._stale

    def set_figure(self, zone: str, text: str) -> None:
        """Show `text` (the zone's key figure, e.g. "3.1 p/m²") under the zone's name."""
        self._readings.pop(zone, None)  # the caller words it (and words it again)
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
        """The fill colour currently drawn for `zone` (areas are drawn with it translucent,
        over the context; a marker opaque)."""
        color = QColor(self._items[zone].brush().color())
        color.setAlpha(255)
        return color

    def label_text(self, zone: str) -> str:
        """The label currently drawn for `zone`."""
        return self._labels[zone].text.text()

    def is_marker(self, zone: str) -> bool:
        """True when `zone` is drawn as a marker (too small to see as an area)."""
        return zone in self._markers

    def marker(self, zone: str) -> QGraphicsEllipseItem:
        """The marker item of a point-like zone."""
        return self._markers[zone]

    def zone_item(self, zone: str) -> QGraphicsPathItem:
        """The outline item of `zone`."""
        return self._items[zone]

    def label_rects(self) -> dict[str, QRectF]:
        """Each zone label's rectangle in view pixels, as last placed."""
        return {zone: self._view_rect(label) for zone, label in self._labels.items()}

    def marker_rects(self) -> dict[str, QRectF]:
        """Each marker's rectangle in view pixels."""
        return {zone: self._view_rect(item) for zone, item in self._markers.items()}

    def context_labels(self) -> dict[str, bool]:
        """Context names and whether each is shown (names that would collide are left out)."""
        return {f.name: label.isVisible() for f, label, _ in self._context_labels}

    def context_items(self) -> list[tuple[ContextFeature, QGraphicsItem]]:
        """The context features and their drawn items."""
        return list(self._context_items)

    def units(self) -> list[str]:
        """The uids of the TAK units drawn."""
        return list(self._units)

    def unit_label(self, uid: str) -> str:
        """The callsign drawn beside unit `uid`."""
        return self._unit_items[uid][1].text.text()

    def _view_rect(self, item: QGraphicsItem) -> QRectF:
        return item.deviceTransform(self.viewportTransform()).mapRect(item.boundingRect())

    # ---- view
    def fit(self) -> None:
        """Fit the focused zone, or all zones, into the view."""
        if self._focused in self._items:
            rect = self._items[self._focused].sceneBoundingRect()
        else:  # the zones only: labels move with the view and must not widen it
            rect = self._zones_rect()
        if rect.isEmpty():
            return
        m = max(rect.width(), rect.height()) * 0.06
        self.fitInView(rect.adjusted(-m, -m, m, m), Qt.AspectRatioMode.KeepAspectRatio)
        self.declutter()

    def metres_per_pixel(self) -> float:
        """Metres on the ground per view pixel at the current zoom."""
        k = self.transform().m11()
        return 1.0 / k if k > 0 else 0.0

    def scale_bar(self) -> tuple[float, float]:
        """The scale bar drawn: (metres, length in view pixels)."""
        mpp = self.metres_per_pixel()
        if mpp <= 0:
            return 0.0, 0.0
        metres = nice_length(SCALE_TARGET_PX * mpp)
        return metres, metres / mpp

    def _reserved(self) -> list[QRectF]:
        """View areas kept free of labels: the scale bar (bottom left), north arrow (top right)."""
        view = QRectF(self.viewport().rect())
        _, px = self.scale_bar()
        return [
            QRectF(view.left(), view.bottom() - 34, px + 24, 34),
            QRectF(view.right() - 40, view.top(), 40, 52),
        ]

    def declutter(self) -> None:
        """Place labels so none covers another, a marker, the scale bar or the north arrow.

        Labels keep their size at any zoom, so this works in view pixels. Markers' labels go
        first (beside their marker), then areas' labels (on their zone if free, else ever
        farther around it), then unit callsigns; a label moved off its zone gets a leader line.
        Context names go last and are left out where they would collide.
        """
        view = QRectF(self.viewport().rect()).adjusted(2, 2, -2, -2)
        taken: list[QRectF] = [*self._reserved()]
        taken += [r.adjusted(-2, -2, 2, 2) for r in self.marker_rects().values()]
        units = {uid: QRectF(self._view_rect(t)) for uid, (t, _) in self._unit_items.items()}
        taken += list(units.values())
        order = sorted(
            self._labels,
            key=lambda z: (z not in self._markers, self._anchors.get(z, QPointF()).y()),
        )
        th = theme.current()
        for zone in order:
            label = self._labels[zone]
            anchor = self._anchors.get(zone)
            if anchor is None:
                continue
            centre = QPointF(self.mapFromScene(anchor))
            box = self._place(label, centre, zone in self._markers, taken, view)
            taken.append(box)
            label.setPos(self.mapToScene(box.center().toPoint()))
            leader = self._leaders[zone]
            if box.contains(centre):
                leader.setVisible(False)
            else:
                edge = QPointF(
                    min(max(centre.x(), box.left()), box.right()),
                    min(max(centre.y(), box.top()), box.bottom()),
                )
                leader.setLine(QLineF(anchor, self.mapToScene(edge.toPoint())))
                pen = QPen(th.color("text"), 1.0)
                pen.setCosmetic(True)
                leader.setPen(pen)
                leader.setVisible(True)
        for uid, (_, label) in self._unit_items.items():
            c = units[uid].center()
            box = self._place(label, c, True, taken, view)
            taken.append(box)
            label.setPos(self.mapToScene(box.center().toPoint()))
        for feature, label, anchor in self._context_labels:
            centre = QPointF(self.mapFromScene(anchor))
            r = label.rect()
            w, h = r.width(), r.height()
            if feature.kind == "landmark":  # beside its square: right, left, above, below
                boxes = [
                    QRectF(centre.x() + 5, centre.y() - h / 2, w, h),
                    QRectF(centre.x() - 5 - w, centre.y() - h / 2, w, h),
                    QRectF(centre.x() - w / 2, centre.y() - 5 - h, w, h),
                    QRectF(centre.x() - w / 2, centre.y() + 5, w, h),
                ]
            else:
                boxes = [QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)]
            free = [
                b for b in boxes if view.contains(b) and not any(b.intersects(o) for o in taken)
            ]
            label.setVisible(bool(free))  # a context name that would collide is left out
            if free:
                taken.append(free[0])
                label.setPos(self.mapToScene(free[0].center().toPoint()))

    @staticmethod
    def _place(
        label: _Label, centre: QPointF, marker: bool, taken: list[QRectF], view: QRectF
    ) -> QRectF:
        r = label.rect()
        w, h = r.width(), r.height()
        for box in _boxes_around(centre, w, h, MARKER_RADIUS + 4, marker):
            if view.contains(box) and not any(box.intersects(o) for o in taken):
                return box
        # no free place nearby: keep inside the view and push below what it would cover
        box = QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)
        box.moveLeft(min(max(box.left(), view.left()), view.right() - w))
        moved = True
        while moved:
            moved = False
            for other in taken:
                if box.intersects(other):
                    box.moveTop(other.bottom() + 2)
                    moved = True
        return box

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

    def drawForeground(self, painter: QPainter, rect: QRectF | Any) -> None:
        """The scale bar (bottom left) and the north arrow (top right), in view pixels."""
        super().drawForeground(painter, rect)
        metres, px = self.scale_bar()
        if px <= 0:
            return
        th = theme.current()
        fg, bg = th.color("text"), QColor(th.color("base"))
        bg.setAlpha(200)
        view = QRectF(self.viewport().rect())
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPointSizeF(8.0)
        painter.setFont(font)
        # scale bar
        x0, y0 = view.left() + 12, view.bottom() - 12
        painter.fillRect(QRectF(x0 - 6, y0 - 24, px + 12 + 40, 30), bg)
        painter.setPen(QPen(fg, 2.0))
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + px, y0))
        painter.drawLine(QPointF(x0, y0 - 5), QPointF(x0, y0))
        painter.drawLine(QPointF(x0 + px, y0 - 5), QPointF(x0 + px, y0))
        painter.drawText(QPointF(x0, y0 - 8), length_text(metres))
        # north arrow
        cx, top = view.right() - 20, view.top() + 10
        painter.fillRect(QRectF(cx - 14, top - 4, 28, 44), bg)
        arrow = QPolygonF([QPointF(cx, top), QPointF(cx + 7, top + 20), QPointF(cx - 7, top + 20)])
        painter.setBrush(QBrush(fg))
        painter.drawPolygon(arrow)
        north = QCoreApplication.translate("ZoneMap", NORTH)
        w = painter.fontMetrics().horizontalAdvance(north)
        painter.drawText(QPointF(cx - w / 2, top + 34), north)
        painter.restore()

    def restyle(self, *_: Any) -> None:
        """Recolour every zone, label, context feature and unit from the current theme."""
        th = theme.current()
        dark = th.name == "dark"
        self.setBackgroundBrush(QBrush(QColor("#20262d" if dark else "#f4f1ea")))
        water = QColor("#1d3a52" if dark else "#c6dcef")
        road = QColor("#4a525c" if dark else "#d3d0c8")
        for feature, item in self._context_items:
            if isinstance(item, QGraphicsPathItem):
                if feature.kind in ("water", "land"):
                    item.setBrush(QBrush(water if feature.kind == "water" else road.lighter(110)))
                    item.setPen(QPen(Qt.PenStyle.NoPen))
                else:
                    pen = QPen(road, 4.0 if feature.kind == "road" else 2.5)
                    if feature.kind == "tunnel":
                        pen = QPen(th.color("muted"), 2.0, Qt.PenStyle.DashLine)
                    pen.setCosmetic(True)
                    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                    item.setPen(pen)
            elif isinstance(item, QGraphicsRectItem):
                item.setBrush(QBrush(th.color("muted")))
                item.setPen(QPen(th.color("base"), 1.0))
            item.setToolTip(plain_tip(local(feature.name, feature.name_zh)))
        for feature, label, _anchor in self._context_labels:
            label.set_text(
                local(feature.name, feature.name_zh), th.color("muted"), th.color("base"), 150
            )
        for uid, (tri, label) in self._unit_items.items():
            tri.setBrush(QBrush(th.color("highlight")))
            tri.setPen(QPen(th.color("base"), 1.5))
            label.set_text(self._units[uid].callsign, th.color("highlight"), th.color("base"))
        for zone, reading in self._readings.items():
            self._figures[zone] = _figure_of(zone, reading)  # "开放通行", not "open to riders"
        for zone in self._items:
            self._style_zone(zone)
        self.declutter()
        self.viewport().update()

    def _style_zone(self, zone: str) -> None:
        item = self._items.get(zone)
        if item is None:
            return
        th = theme.current()
        level = self._levels.get(zone)
        shape = self._shapes[zone]
        name = local(shape.name, shape.name_zh)
        item.setToolTip(plain_tip(name))
        unrated = zone in self._unrated and level is not None
        stale = zone in self._stale and level is not None
        if level is None:
            item.setBrush(QBrush(th.color("muted"), Qt.BrushStyle.BDiagPattern))
        elif unrated:
            neutral = QColor(th.color("muted"))
            neutral.setAlpha(90)
            item.setBrush(QBrush(neutral))
        else:
            fill = th.risk_color(level)
            fill.setAlpha(AREA_ALPHA)
            # the last known level, cross-hatched: a silent feed never reads as a fresh fill
            pattern = Qt.BrushStyle.DiagCrossPattern if stale else Qt.BrushStyle.SolidPattern
            item.setBrush(QBrush(fill, pattern))
        pen = QPen(th.color("zone_outline"), 3.0 if zone == self._focused else 1.2)
        pen.setCosmetic(True)
        item.setPen(pen)
        marker = self._markers.get(zone)
        if marker is not None:
            marker.setToolTip(plain_tip(name))
            if level is None:  # hollow and dashed: never a risk colour without data
                marker.setBrush(QBrush(th.color("base")))
                ring = QPen(th.color("muted"), 2.0, Qt.PenStyle.DashLine)
            elif unrated:
                marker.setBrush(QBrush(th.color("muted")))
                ring = QPen(th.color("zone_outline"), 1.5)
            else:
                pattern = Qt.BrushStyle.Dense4Pattern if stale else Qt.BrushStyle.SolidPattern
                marker.setBrush(QBrush(th.risk_color(level), pattern))
                ring = QPen(th.color("zone_outline"), 3.0 if zone == self._focused else 1.5)
                if stale:
                    ring.setStyle(Qt.PenStyle.DashLine)
            marker.setPen(ring)
        figure = self._figures.get(zone, "")
        rating = (
            QCoreApplication.translate("RiskLevel", NOT_RATED) if unrated else level_text(level)
        )
        if stale:
            rating += "  ·  " + QCoreApplication.translate("RiskLevel", STALE)
        lines: Sequence[str] = [name, f"{figure}  ·  {rating}" if figure else rating]
        self._labels[zone].set_text("\n".join(lines), th.color("text"), th.color("base"))


def _figure_of(zone: str, reading: ZoneReading) -> str:
    """The figure under a zone's name in the current language ("" without a value)."""
    if reading.value is None:
        return ""
    return format_metric(zone, reading.indicator, reading.value, reading.unit)
