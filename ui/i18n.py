"""Translations: English (the source strings) and Simplified Chinese, through Qt's QTranslator.

`set_language(app, "zh_CN")` installs the compiled catalogue `data/i18n/baton_zh_CN.qm`; Qt then
sends `QEvent.LanguageChange` to every widget, and Baton widgets re-read their strings in
`retranslate()`. `set_language(app, "en")` removes it again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QObject, QTranslator
from PySide6.QtGui import QGuiApplication

from command.errors import BatonError
from ui.fonts import font_problem

if TYPE_CHECKING:
    from command.scenarios.scenario import Scenario

I18N_DIR = Path(__file__).resolve().parent.parent / "data" / "i18n"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
_installed: list[QTranslator] = []
_language: list[str] = ["en"]
_fonts_checked: set[str] = set()  # the font database is asked once per language


def qm_path(language: str) -> Path:
    """Where the compiled catalogue of `language` lives."""
    return I18N_DIR / f"baton_{language}.qm"


def current_language() -> str:
    """The language code in use ("en" or "zh_CN")."""
    return _language[0]


def set_language(app: QCoreApplication, language: str) -> None:
    """Switch the running application to `language`; widgets retranslate on LanguageChange."""
    if language not in LANGUAGES:
        raise BatonError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language != "en":
        path = qm_path(language)
        translator = QTranslator(app)
        if not translator.load(str(path)):
            raise BatonError(
                f"cannot load translations {path}: run pyside6-lrelease on data/i18n/*.ts"
            )
        app.installTranslator(translator)
        _installed.append(translator)
        # Qt's own strings (OK, Cancel, context menus), when the Qt build ships them
        qt = QTranslator(app)
        if qt.load(
            f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ):
            app.installTranslator(qt)
            _installed.append(qt)
    _language[0] = language
    if isinstance(app, QGuiApplication) and language not in _fonts_checked:
        _fonts_checked.add(language)
        problem = font_problem(language)
        if problem is not None:
            print(f"baton: {problem}", file=sys.stderr)


def marked(text: object) -> str:
    """Type a `QT_TRANSLATE_NOOP(ctx, text)` result as the `str` it is (the stubs say object)."""
    return str(text)


# Chinese names a scenario gives ("zone:<id>", "station:<id>", "incident", "playbook:<id>",
# "reason:<id>"): views show them when the language is Chinese (see `local_name`)
_names_zh: dict[str, str] = {}
# English names the events do not carry ("playbook:<id>": the playbook's title), see `local_name`
_names_en: dict[str, str] = {}


def local(en: str, zh: str = "") -> str:
    """`zh` when the UI is in Chinese and the scenario gives it, else `en`."""
    return zh if zh and current_language() == "zh_CN" else en


def set_names_zh(names: Mapping[str, str], en: Mapping[str, str] | None = None) -> None:
    """Use the scenario's Chinese names (keys as in `Scenario.names_zh`) and English names
    (`en`, same keys) from now on; the names set before are forgotten."""
    _names_zh.clear()
    _names_zh.update(names)
    _names_en.clear()
    _names_en.update(en or {})


def use_scenario_names(scenario: Scenario) -> None:
    """Show `scenario`'s names: its Chinese names in the Chinese UI, and its playbooks by their
    titles (suggestions carry only the playbook's id)."""
    names = {**scenario.names_zh, **_filled_texts(scenario)}
    en = {f"playbook:{p.id}": p.title for p in scenario.playbooks}
    for station in scenario.incident.stations:  # suggestions carry only ids
        en[f"station:{station.id}"] = station.name
        for kind in station.catalogue:
            en[f"kind:{station.id}.{kind.name}"] = kind.title
    # an order signed with the Chinese words (composed in the Chinese UI) reads in English in
    # the English UI, the same way round
    for key, zh in list(names.items()):
        if key.startswith(_WORDS):
            head, _, english = key.partition(":")[2].partition(":")
            back = f"{key.partition(':')[0]}:{head}:{zh}"
            names.setdefault(back, zh)
            en.setdefault(back, english)
    set_names_zh(names, en)


# names_zh keys of an order's words (texts, parameter values): "<prefix>:<where>:<English>"
_WORDS = ("text:", "value:")


def _fill(text: str, name: str, zone: str) -> str:
    return text.replace("{zone_name}", name).replace("{zone}", zone)


def _filled_texts(scenario: Scenario) -> dict[str, str]:
    """The playbook orders' Chinese texts ("text:<station>.<kind>:<text>") and text parameters
    ("value:<station>.<kind>.<param>:<value>") with `{zone_name}` / `{zone}` filled for every
    zone, keyed by the English words as an order carries them."""
    out: dict[str, str] = {}
    for key, zh in scenario.names_zh.items():
        if not key.startswith(_WORDS) or "{zone" not in key:
            continue
        for z in scenario.incident.zones:
            zh_name = scenario.names_zh.get(f"zone:{z.id}", z.name)
            out[_fill(key, z.name, z.id)] = _fill(zh, zh_name, z.id)
    return out


def local_name(key: str, en: str) -> str:
    """The name under `key` ("station:police") in the current language (the scenario's English
    name under `key`, else `en`, when the scenario gives no Chinese name)."""
    return local(_names_en.get(key, en), _names_zh.get(key, ""))


def kind_title(station: str, kind: str, en: str = "") -> str:
    """The title of `station`'s order kind `kind` in the current language: the scenario's
    Chinese title (`title_zh`) when the UI is Chinese, else `en` (else the kind's name)."""
    return local_name(f"kind:{station}.{kind}", en or kind)


def proposed_orders(orders: Sequence[Mapping[str, object]]) -> str:
    """A suggestion's orders in words of the current language ("On-site security: Hold entry
    at the zone's gates", "现场安保：区域入口暂停放行"); "station:kind" when the scenario's
    names are not known."""
    out = []
    for o in orders:
        station, kind = str(o.get("station", "?")), str(o.get("kind", "?"))
        name = local_name(f"station:{station}", "")
        out.append(
            f"{name}{local(': ', '：')}{kind_title(station, kind)}" if name else f"{station}:{kind}"
        )
    return local(", ", "；").join(out)


def param_title(station: str, kind: str, param: str, en: str = "") -> str:
    """The title of parameter `param` of `station`'s order kind `kind` in the current language:
    the scenario's `title_zh` when the UI is Chinese, else `en` (else the parameter's name)."""
    return local_name(f"param:{station}.{kind}.{param}", en or param)


def order_text(station: str, kind: str, text: str) -> str:
    """An order's text in the current language: the playbook's `text_zh` (its zone filled in)
    when the UI is Chinese and `text` is the playbook's English text, else `text` as signed."""
    return local_name(f"text:{station}.{kind}:{text}", text) if text else text


def param_value(station: str, kind: str, param: str, value: object) -> str:
    """A parameter's value in the current language: a choice's Chinese words (`choices_zh`) or
    a playbook order's Chinese text (`params_zh`, its zone filled in) when the UI is Chinese and
    `value` is the English one, else `value` as signed; a flag reads yes / no (是 / 否)."""
    if isinstance(value, bool):
        return local("yes", "是") if value else local("no", "否")
    text = str(value)
    return local_name(f"value:{station}.{kind}.{param}:{text}", text)


def zone_name(zone: str, en: str = "") -> str:
    """The name of zone `zone` in the current language: the scenario's Chinese name when the UI
    is Chinese, else `en` (else the zone's id)."""
    return local_name(f"zone:{zone}", en or zone)


def playbook_reason(playbook: str, reason: str, zone: str | None = None) -> str:
    """A suggestion's reason in the current language: the playbook's Chinese reason (its
    `{zone_name}` filled with the zone's Chinese name) when the UI is Chinese and the scenario
    gives one, else `reason` as the engine wrote it."""
    template = _names_zh.get(f"reason:{playbook}", "")
    if not template or current_language() != "zh_CN":
        return reason
    zone_id = zone or ""
    return template.replace("{zone_name}", zone_name(zone_id)).replace("{zone}", zone_id)


class _LanguageWatch(QObject):
    """Calls back when its widget receives `QEvent.LanguageChange` (see `on_language_change`)."""

    def __init__(self, target: QObject, call: Callable[[], None]) -> None:
        super().__init__(target)
        self._call = call
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Call back on a language change; never consume the event."""
        if event.type() == QEvent.Type.LanguageChange:
            self._call()
        return False


def on_language_change(widget: QObject, call: Callable[[], None]) -> None:
    """Call `call()` whenever `widget` is told the language changed (after the new catalogue is
    installed), for text a widget's owner sets from outside (plot titles)."""
    _LanguageWatch(widget, call)
