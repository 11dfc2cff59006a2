"""Numbers for people: counts as integers ("24 riders", "98 buses"), other values with sensible
precision (`command.picture.samples.number`), states by their words when labels are given,
durations in the current language ("12m05s", "12分05秒"), plot titles of the shipped metrics, and
one short form of an order id for every view (the full id goes in tooltips and exports)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from command import ids
from command.picture.samples import number
from command.scenarios.scenario import Scenario, StateLabel
from ui import theme
from ui.i18n import local, marked

if TYPE_CHECKING:  # the station and centre windows use these numbers without plots
    from ui.console.plots import LivePlots

# units that count things: never shown with decimals
COUNT_UNITS = frozenset(
    {"riders", "people", "persons", "buses", "vehicles", "boats", "units", "orders", "count"}
)
# the shipped scenarios' units, translated for the Chinese UI (others are shown as written)
UNITS = tuple(
    marked(u)
    for u in (
        QT_TRANSLATE_NOOP("Unit", "riders"),
        QT_TRANSLATE_NOOP("Unit", "persons"),
        QT_TRANSLATE_NOOP("Unit", "people"),
        QT_TRANSLATE_NOOP("Unit", "buses"),
        QT_TRANSLATE_NOOP("Unit", "persons/m²"),
        QT_TRANSLATE_NOOP("Unit", "persons/min"),
        QT_TRANSLATE_NOOP("Unit", "testers"),
        QT_TRANSLATE_NOOP("Unit", "tests"),
        QT_TRANSLATE_NOOP("Unit", "veh/h"),
        QT_TRANSLATE_NOOP("Unit", "min"),
    )
)
# the shipped scenarios' metrics, titled for plots in the current language (see `metric_title`)
METRIC_TITLES = {
    m: marked(t)
    for m, t in (
        ("density", QT_TRANSLATE_NOOP("Metric", "Density")),
        ("crowd", QT_TRANSLATE_NOOP("Metric", "Crowd")),
        ("wind", QT_TRANSLATE_NOOP("Metric", "Wind")),
        ("rain", QT_TRANSLATE_NOOP("Metric", "Rain")),
        ("rainfall", QT_TRANSLATE_NOOP("Metric", "Rainfall")),
        ("water_level", QT_TRANSLATE_NOOP("Metric", "Water level")),
        ("riders_waiting", QT_TRANSLATE_NOOP("Metric", "Riders waiting")),
        ("riders_escorted", QT_TRANSLATE_NOOP("Metric", "Riders escorted")),
        ("ferry_status", QT_TRANSLATE_NOOP("Metric", "Ferry status")),
        ("lane_state", QT_TRANSLATE_NOOP("Metric", "Lane state")),
        ("vehicle_flow", QT_TRANSLATE_NOOP("Metric", "Vehicle flow")),
        ("buses_available", QT_TRANSLATE_NOOP("Metric", "Buses available")),
        ("buses_loaded", QT_TRANSLATE_NOOP("Metric", "Buses loaded")),
        ("exit_flow", QT_TRANSLATE_NOOP("Metric", "Exit flow")),
        ("visitors", QT_TRANSLATE_NOOP("Metric", "Visitors")),
        ("testers", QT_TRANSLATE_NOOP("Metric", "Testers")),
        ("tests_done", QT_TRANSLATE_NOOP("Metric", "Tests done")),
        ("lighting_level", QT_TRANSLATE_NOOP("Metric", "Lighting level")),
    )
}
QUEUE_LANE = re.compile(r"queue_lane_([a-z0-9]+)")
SHORT_ID = ids.SHORT_ID  # characters of an order id shown in tables, banners and the map


def is_count(unit: str) -> bool:
    """True when `unit` counts things ("riders", "buses", "people", "veh")."""
    return unit.strip().lower() in COUNT_UNITS


def unit_text(unit: str) -> str:
    """`unit` in the current language ("riders" → "人" in Chinese; m/s stays m/s)."""
    return QCoreApplication.translate("Unit", unit) if unit in UNITS else unit


def duration(seconds: float | None) -> str:
    """A short duration in the current language: "45s", "12m05s", "2h03m" (Chinese "45秒",
    "12分05秒", "2小时03分"); "—" when unknown."""
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 60:
        return QCoreApplication.translate("Duration", "%1s").replace("%1", str(s))
    if s < 3600:
        return (
            QCoreApplication.translate("Duration", "%1m%2s")
            .replace("%1", str(s // 60))
            .replace("%2", f"{s % 60:02d}")
        )
    return (
        QCoreApplication.translate("Duration", "%1h%2m")
        .replace("%1", str(s // 3600))
        .replace("%2", f"{(s % 3600) // 60:02d}")
    )


def metric_title(metric: str, unit: str = "") -> str:
    """A plot's title in the current language: "Density (persons/m²)", "密度（人/m²）", "Queue at
    lane A"; a metric the shipped scenarios do not name reads as its words ("Foo bar")."""
    lane = QUEUE_LANE.fullmatch(metric)
    if metric in METRIC_TITLES:
        text = QCoreApplication.translate("Metric", METRIC_TITLES[metric])
    elif lane is not None:
        text = QCoreApplication.translate("Metric", "Queue at lane %1").replace(
            "%1", lane.group(1).upper()
        )
    else:
        text = metric.replace("_", " ").capitalize()
    if not unit:
        return text
    return (
        QCoreApplication.translate("Metric", "%1 (%2)")
        .replace("%1", text)
        .replace("%2", unit_text(unit))
    )


def title_plots(plots: LivePlots, units: Mapping[str, str]) -> None:
    """Title each plot of `plots` whose metric is in `units` ({metric: unit}) with its
    `metric_title` in the current language (again after a language switch)."""
    th = theme.current()
    for metric in plots.metrics():
        if metric not in units:
            continue
        title = metric_title(metric, units[metric])
        set_title = getattr(plots, "set_title", None)
        if callable(set_title):
            set_title(metric, title)
        elif plots._titles.get(metric) != title:
            plots._titles[metric] = title
            plots.plot(metric).setTitle(title, size="9pt", color=th.plot_fg)


def unbroken(text: str) -> str:
    """`text` that a word-wrapping label never breaks ("1小时26分" stays on one line): word
    joiners between its characters, no-break spaces for its spaces."""
    return "\u2060".join(text.replace(" ", "\u00a0"))


def short_id(full: str) -> str:
    """The short form of an order (or any ULID) id shown in every view: `command.ids.short_id`
    (the one definition, also used in printed text and journaled messages)."""
    return ids.short_id(full)


def format_value(
    value: float,
    unit: str = "",
    labels: Mapping[int | str, str] | None = None,
    *,
    integer: bool = False,
) -> str:
    """A metric's value as people read it: "24 riders", "3.1 p/m²", "closed" (from labels)."""
    if labels:
        key = round(value)
        word = labels.get(key, labels.get(str(key)))
        if word is not None and abs(value - key) < 1e-9:
            return word
    text = f"{round(value):,}" if integer or is_count(unit) else number(value)
    return f"{text} {unit_text(unit)}".strip()


@dataclass(frozen=True, slots=True)
class MetricFormat:
    """How one zone's metric is shown: its unit, whether it counts, its state words."""

    unit: str = ""
    integer: bool = False
    labels: tuple[StateLabel, ...] = ()

    def words(self) -> dict[int | str, str]:
        """Value → word in the current language ({} for a measured metric)."""
        return {round(lab.value): local(lab.en, lab.zh_CN) for lab in self.labels}


_formats: dict[tuple[str, str], MetricFormat] = {}


def metric_formats(scenario: Scenario) -> dict[tuple[str, str], MetricFormat]:
    """Each fed (zone, metric) of `scenario` and how to show it."""
    return {(f.zone, f.metric): MetricFormat(f.unit, f.integer, f.labels) for f in scenario.feeds}


def journal_formats(
    feeds: Iterable[Mapping[str, object]],
    base: Mapping[tuple[str, str], MetricFormat] | None = None,
) -> dict[tuple[str, str], MetricFormat]:
    """How each feed of a journal's `incident.opened` reads, as the site's console read it:
    its unit, whether it counts, its state words. What an entry does not say (a journal
    written before it said so) comes from `base` (the shipped scenario's formats, if any); a
    malformed entry or label (a damaged or hostile journal) is left out, never raised."""
    out = dict(base or {})
    for feed in feeds:
        zone, metric = feed.get("zone"), feed.get("metric")
        if not isinstance(zone, str) or not isinstance(metric, str):
            continue
        was = out.get((zone, metric), MetricFormat())
        unit = feed.get("unit", was.unit)
        integer = feed.get("integer", was.integer)
        labels = _labels(feed["labels"]) if "labels" in feed else was.labels
        out[(zone, metric)] = MetricFormat(
            unit if isinstance(unit, str) else was.unit,
            integer if isinstance(integer, bool) else was.integer,
            labels,
        )
    return out


def _labels(items: object) -> tuple[StateLabel, ...]:
    if not isinstance(items, list):
        return ()
    out: list[StateLabel] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        value, en, zh = item.get("value"), item.get("en"), item.get("zh_CN", "")
        if isinstance(value, int | float) and not isinstance(value, bool) and isinstance(en, str):
            out.append(StateLabel(float(value), en, zh if isinstance(zh, str) else ""))
    return tuple(out)


def set_metric_formats(formats: Mapping[tuple[str, str], MetricFormat]) -> None:
    """Use these formats from now on (the console sets its scenario's at start)."""
    _formats.clear()
    _formats.update(formats)


def metric_format(zone: str, metric: str) -> MetricFormat:
    """The format of `zone`'s `metric` (a plain one when the scenario names none)."""
    return _formats.get((zone, metric)) or next(
        (f for (_, m), f in _formats.items() if m == metric), MetricFormat()
    )


def format_metric(zone: str, metric: str, value: float, unit: str = "") -> str:
    """`zone`'s `metric` at `value` as people read it: a state's word ("open to riders",
    "关闭" in Chinese), a count as an integer, else the value with its unit."""
    fmt = metric_format(zone, metric)
    return format_value(value, unit or fmt.unit, fmt.words(), integer=fmt.integer)
