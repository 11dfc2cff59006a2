"""`baton tak --journal PATH --tak URL`: bridge an incident to TAK (ATAK, WinTAK, iTAK).

Follows a console journal (live or finished): each zone is drawn on the TAK map in its risk
level's colour, each order and every state it reaches is posted as a GeoChat message, and each
alert too. Friendly units reported by TAK clients are kept as a map layer in memory, printed as
they move and, with --units-out, written as GeoJSON points.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import Any

from command.errors import BatonError
from command.fold import IncidentState
from command.interop.cot import UnitPosition, feature_collection
from command.interop.publish import TakPublisher
from command.journal import Journal


def register(sub: Any) -> None:
    """Add the `tak` subcommand."""
    p = sub.add_parser(
        "tak",
        help="bridge a journal's zones, orders and alerts to TAK (Cursor on Target)",
        description=(
            "Publish the incident to a TAK server or mesh as Cursor on Target: zones as shapes "
            "coloured by risk level, orders and their states and alerts as GeoChat messages; "
            "friendly units (a-f-G) that TAK clients report come back as a map layer."
        ),
    )
    p.add_argument("--journal", type=Path, required=True, help="the console journal (.sqlite)")
    p.add_argument(
        "--tak",
        required=True,
        metavar="URL",
        help="tcp://HOST:PORT (a TAK server, e.g. port 8087), tls://HOST:PORT, or "
        "udp://239.2.3.1:6969 (the SA multicast mesh)",
    )
    p.add_argument(
        "--scenario",
        default="",
        help="scenario NAME or YAML for the zones' outlines (default: the journal's scenario)",
    )
    p.add_argument(
        "--zones",
        type=Path,
        default=None,
        help="GeoJSON FeatureCollection of zone outlines (properties.zone = zone id), "
        "instead of the scenario's",
    )
    p.add_argument("--every", type=float, default=2.0, metavar="S", help="poll and send every S s")
    p.add_argument("--duration", type=float, default=None, metavar="S", help="stop after S s")
    p.add_argument("--once", action="store_true", help="send the current picture once and stop")
    p.add_argument("--callsign", default="Baton", help="the bridge's callsign in TAK chat")
    p.add_argument("--units-out", type=Path, default=None, help="write units here as GeoJSON")
    p.set_defaults(func=run)


class JournalFollower:
    """A journal read incrementally into one fold (new events at each poll)."""

    def __init__(self, path: Path) -> None:
        self.journal = Journal.open_readonly(path)
        self.state = IncidentState()
        self.seq = 0

    def poll(self) -> IncidentState:
        """Fold the events written since the last poll."""
        for ev in self.journal.events(after_seq=self.seq):
            self.state.apply(ev)
            self.seq = ev.seq
        return self.state

    def close(self) -> None:
        """Release the journal."""
        self.journal.close()


def zone_geometry(
    name: str, state: IncidentState, zones: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Zone outlines from a GeoJSON file, else the scenario named (or the journal's own)."""
    from command.files import load_json_file
    from command.scenarios.loader import load_scenario

    if zones is not None:
        doc = load_json_file(zones, what="GeoJSON")
        feats = doc.get("features") if isinstance(doc, dict) else None
        if not isinstance(feats, list):
            raise BatonError(f"{zones} is not a GeoJSON FeatureCollection")
        out = {
            str(f["properties"]["zone"]): f
            for f in feats
            if isinstance(f, dict)
            and isinstance(f.get("properties"), dict)
            and f["properties"].get("zone")
        }
        if not out:
            raise BatonError(f"{zones} has no feature with a 'zone' property")
        return out
    chosen = name or state.info.scenario
    if not chosen:
        raise BatonError("the journal names no scenario: give --scenario NAME|FILE for the zones")
    return dict(load_scenario(chosen).geometry)


def _units_writer(path: Path | None) -> Any:
    if path is not None and not path.parent.is_dir():
        raise BatonError(
            f"cannot write {path}: folder {path.parent} does not exist; "
            "create it first or choose another --units-out path"
        )

    def write(units: list[UnitPosition]) -> None:
        if path is None:
            return
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(feature_collection(units), indent=1), encoding="utf-8")
        os.replace(tmp, path)

    return write


def run(args: argparse.Namespace) -> int:
    """Bridge until interrupted (or --duration / --once)."""
    from protocols.tak import TakBridge, check_url

    check_url(args.tak)
    write_units = _units_writer(args.units_out)
    follower = JournalFollower(args.journal)
    try:
        state = follower.poll()
        publisher = TakPublisher(
            zone_geometry(args.scenario, state, args.zones),
            callsign=args.callsign,
            uid="baton-" + (state.info.id or "incident"),
        )

        def on_unit(unit: UnitPosition) -> None:
            print(f"unit {unit.callsign} ({unit.type}) at {unit.lat:.5f}, {unit.lon:.5f}")
            write_units(bridge.units.all())

        bridge = TakBridge(args.tak, on_unit=on_unit)

        def source(now: float) -> list[bytes]:
            return publisher.changes(follower.poll(), now)

        duration = 0.0 if args.once else args.duration
        asyncio.run(bridge.run(source, every=args.every, duration=duration))
        print(
            f"TAK {args.tak}: sent {bridge.sent} CoT event(s), "
            f"{len(bridge.units)} unit(s) reported, {bridge.refused} event(s) refused"
        )
        return 0
    finally:
        follower.close()
