"""What Baton makes of a CAP alert, as JSON-ready data and as lines of text (`baton cap show`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from command.cap.model import areas, choose_info, counts, info_kind, infos, pairs
from command.cap.parse import marks, signal_kind, signal_zone
from command.cap.semantics import may_trigger, why_not
from command.cap.signature import VERDICT_TEXT, Verdict


def summarize(alert: Mapping[str, Any], *, lang: str | None = None) -> dict[str, Any]:
    """The alert as Baton reads it: header, each info, counts, signature, playbook verdict."""
    shown = choose_info(alert, lang)
    signal = {"body": {"cap": alert}}
    signature = dict(alert.get("signature") or {"verdict": Verdict.UNSIGNED.value})
    envelope = alert.get("envelope") or {}
    return {
        "version": alert.get("version", ""),
        "envelope": envelope.get("standard", ""),
        "distribution": envelope.get("distributionID", ""),
        "identifier": alert.get("identifier", ""),
        "sender": alert.get("sender", ""),
        "sent": alert.get("sent", ""),
        "status": alert.get("status", ""),
        "msgType": alert.get("msgType", ""),
        "scope": alert.get("scope", ""),
        "references": str(alert.get("references") or "").split(),
        "incidents": alert.get("incidents", ""),
        "note": alert.get("note", ""),
        "marks": marks(alert),
        "kind": signal_kind(alert, shown),
        "zone": signal_zone(alert, shown),
        "shown": shown,
        "infos": [
            {
                "language": info.get("language", "en-US"),
                "event": info.get("event", ""),
                "kind": info_kind(info),
                "category": list(info.get("category") or ()),
                "urgency": info.get("urgency", ""),
                "severity": info.get("severity", ""),
                "certainty": info.get("certainty", ""),
                "effective": info.get("effective", ""),
                "onset": info.get("onset", ""),
                "expires": info.get("expires", ""),
                "headline": info.get("headline", ""),
                "parameters": [list(p) for p in pairs(info.get("parameter"))],
                "areas": [
                    {
                        "desc": area.get("areaDesc", ""),
                        "polygons": len(area.get("polygon") or ()),
                        "circles": len(area.get("circle") or ()),
                        "geocodes": len(pairs(area.get("geocode"))),
                    }
                    for area in areas(info)
                ],
            }
            for info in infos(alert)
        ],
        "counts": counts(alert),
        "signature": signature,
        "triggers_playbooks": may_trigger(signal),
        "why_not": why_not(signal),
    }


def summary_lines(s: Mapping[str, Any]) -> list[str]:
    """The summary as lines of text."""
    env = f" in {s['envelope']} {s['distribution']}".rstrip() if s["envelope"] else ""
    mark = "".join(f" [{m}]" for m in s["marks"])
    out = [
        f"CAP {s['version']}{env}: {s['identifier']}{mark}",
        f"  sender {s['sender']}, sent {s['sent']}",
        f"  status {s['status']}, msgType {s['msgType']}, scope {s['scope']}",
    ]
    for ref in s["references"]:
        out.append(f"  references {ref}")
    if s["incidents"]:
        out.append(f"  incidents {s['incidents']}")
    if s["note"]:
        out.append(f"  note {s['note']}")
    zone = f", zone {s['zone']}" if s["zone"] else ""
    out.append(f"  kind {s['kind']}{zone}")
    for i, info in enumerate(s["infos"]):
        shown = " (shown)" if i == s["shown"] else ""
        out.append(f"  info {i + 1} [{info['language']}]{shown}: {info['event']} → {info['kind']}")
        out.append(
            f"    {info['urgency']} / {info['severity']} / {info['certainty']}"
            + "".join(
                f", {key} {info[key]}" for key in ("effective", "onset", "expires") if info[key]
            )
        )
        if info["headline"]:
            out.append(f"    headline {info['headline']}")
        for area in info["areas"]:
            out.append(
                f"    area {area['desc']}: {area['polygons']} polygons, {area['circles']} "
                f"circles, {area['geocodes']} geocodes"
            )
        for name, value in info["parameters"]:
            out.append(f"    parameter {name} = {value}")
    sig = s["signature"]
    verdict = VERDICT_TEXT.get(Verdict(sig["verdict"]), sig["verdict"])
    detail = f" ({sig['detail']})" if sig.get("detail") else ""
    signer = f", signer {sig['signer']}" if sig.get("signer") else ""
    out.append(f"  signature: {verdict}{detail}{signer}")
    if s["triggers_playbooks"]:
        out.append("  playbooks: may trigger")
    else:
        out.append(f"  playbooks: never triggers ({s['why_not']})")
    return out
