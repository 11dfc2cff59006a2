"""CAP (OASIS Common Alerting Protocol) 1.1 and 1.2: import alerts as Signals, export alerts.

- `model`: the alert as Baton keeps it (every element, CAP's names, JSON-ready);
- `parse`: CAP 1.1/1.2, bare or in an EDXL-DE 1.0 distribution, safely, into Signals;
- `signature`: XML-DSig verdicts against trusted certificates and keys (signxml);
- `semantics`: status and msgType: what may trigger playbooks, Update and Cancel threads;
- `profile`: the CAP 1.2 rules every export keeps;
- `export`: the commander's public alerts, their Updates and Cancels, received alerts
  re-exported losslessly, each validated against the shipped CAP 1.2 schema;
- `summary`: what Baton makes of an alert (`baton cap show`).

Names are imported from their modules on first use, so importing `command.cap.semantics` (as the
playbooks do) needs no XML library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from command.cap.export import (
        PublicAlert,
        alert_to_cap_xml,
        alert_xml,
        export_cap,
        follow_up,
        received_alert,
        received_cap_xml,
        validate_cap,
    )
    from command.cap.model import CAP_NS, KIND_PARAM, ZONE_PARAM, Reference, slug
    from command.cap.parse import load_alerts, load_cap, parse_alerts, parse_cap, to_signal
    from command.cap.profile import CapError, cap_polygon, cap_time, geojson_rings
    from command.cap.signature import CapTrust, Verdict

_WHERE = {
    "command.cap.export": (
        "PublicAlert",
        "alert_to_cap_xml",
        "alert_xml",
        "export_cap",
        "follow_up",
        "received_alert",
        "received_cap_xml",
        "validate_cap",
    ),
    "command.cap.model": ("CAP_NS", "KIND_PARAM", "ZONE_PARAM", "Reference", "slug"),
    "command.cap.parse": ("load_alerts", "load_cap", "parse_alerts", "parse_cap", "to_signal"),
    "command.cap.profile": ("CapError", "cap_polygon", "cap_time", "geojson_rings"),
    "command.cap.signature": ("CapTrust", "Verdict"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
__all__ = [
    "CAP_NS",
    "KIND_PARAM",
    "ZONE_PARAM",
    "CapError",
    "CapTrust",
    "PublicAlert",
    "Reference",
    "Verdict",
    "alert_to_cap_xml",
    "alert_xml",
    "cap_polygon",
    "cap_time",
    "export_cap",
    "follow_up",
    "geojson_rings",
    "load_alerts",
    "load_cap",
    "parse_alerts",
    "parse_cap",
    "received_alert",
    "received_cap_xml",
    "slug",
    "to_signal",
    "validate_cap",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'command.cap' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
