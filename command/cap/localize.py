"""An alert's words in the reader's language: the `<info>` (or issued language version) to show.

A received CAP alert keeps every `<info>`; an issued public alert keeps its language versions
(`translations`). Views pick the one for the UI language with the same rule as import
(`command.cap.model.choose_info`: exact tag, then the primary language, then the first), so a
Chinese console shows an alert's Chinese info and an English one its English info.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from command.cap.model import areas, choose_info, infos
from command.cap.parse import marks


@dataclass(frozen=True, slots=True)
class AlertWords:
    """What an alert board shows of one alert in one language."""

    language: str
    headline: str
    event: str
    severity: str
    area: str
    expires: str


def alert_words(body: Mapping[str, Any], lang: str | None) -> AlertWords | None:
    """The words in `lang` of a received signal's CAP alert (`body["body"]["cap"]`, or
    `body["cap"]`) or of an issued public alert (a `PublicAlert.to_dict()` body); None for a
    signal that is not CAP."""
    cap = body.get("cap")
    inner = body.get("body")
    if not isinstance(cap, Mapping) and isinstance(inner, Mapping):
        cap = inner.get("cap")  # a signal as journaled: the CAP model is in its body
    if isinstance(cap, Mapping) and infos(cap):
        items = infos(cap)
        info = items[choose_info(cap, lang)]
        mark = "".join(f"[{m}] " for m in marks(cap))
        return AlertWords(
            str(info.get("language") or "en-US"),
            mark + str(info.get("headline") or info.get("event") or cap.get("identifier", "")),
            str(info.get("event") or ""),
            str(info.get("severity") or ""),
            "; ".join(str(a.get("areaDesc") or "") for a in areas(info) if a.get("areaDesc")),
            str(info.get("expires") or ""),
        )
    if "translations" in body and "headline" in body:
        versions: list[Mapping[str, Any]] = [body]
        versions += [t for t in body.get("translations") or () if isinstance(t, Mapping)]
        chosen = versions[choose_info({"info": versions}, lang)]
        return AlertWords(
            str(chosen.get("language") or "en-US"),
            str(chosen.get("headline") or body.get("headline") or ""),
            str(chosen.get("event") or body.get("event") or ""),
            str(body.get("severity") or ""),
            str(body.get("area_desc") or ""),
            str(body.get("expires") or ""),
        )
    return None
