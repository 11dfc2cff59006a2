"""`baton replay JOURNAL [--at TIME [--json]]`: the incident replayed, in a window or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from command.ids import short_id
from command.review.loading import load_journal
from command.review.timefmt import local_time, zone_or_utc
from command.review.timeparse import parse_time
from ui.commands.progress import progress_bar


def register(sub: Any) -> None:
    """Add the `replay` subcommand."""
    p = sub.add_parser(
        "replay",
        help="replay a journal: a window with a timeline, or the state at one time",
        description=(
            "Open a journal read-only and replay it. Without --at, opens the replay window "
            "(timeline, play/pause, speed, every panel at time T). With --at, prints the state "
            "at that time: orders, zones, stations, open escalations, decisions and the counts "
            "(the same fold the console, the report and the run summary read)."
        ),
    )
    p.add_argument("journal", type=Path, help="the console or station journal (.sqlite)")
    p.add_argument(
        "--at",
        metavar="TIME",
        help="ISO 8601 (naive = incident time zone), epoch seconds, or +90m / +01:30:00 "
        "from the first event",
    )
    p.add_argument("--json", action="store_true", help="with --at: print the state as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Replay as asked."""
    if args.at is None:
        if args.json:
            print("baton: --json needs --at TIME", file=sys.stderr)
            return 2
        from ui.review.window import run_replay_window

        return run_replay_window(args.journal)
    with progress_bar("reading journal") as advance:
        loaded = load_journal(args.journal, advance)
    try:
        index = loaded.replay()
        start = index.start or 0.0
        tz_name = index.info.timezone
        at = parse_time(args.at, start=start, timezone=tz_name)
        state = index.state_at(at)
        if args.json:
            json.dump(state.to_json(), sys.stdout, sort_keys=True, indent=2, ensure_ascii=False)
            print()
            return 0
        tz = zone_or_utc(tz_name)
        print(f"State at {local_time(at, tz)} ({args.journal})")
        zones = ", ".join(f"{z['name']} {z['level']}" for z in state.zones)
        print(f"  zones: {zones or '—'}")
        online = [s["station"] for s in state.stations if s["online"]]
        print(f"  stations online: {', '.join(online) or 'none'}")
        print(f"  orders: {len(state.orders)}")
        for o in state.orders:
            late = " (late)" if o["late"] else ""
            print(f"    {short_id(o['id'])}  {o['station']:<14} {o['kind']:<22} {o['state']}{late}")
        print(f"  open escalations: {len(state.escalations)}")
        for e in state.escalations:
            print(f"    {e['message']}")
        live = [d for d in state.decisions if not d["struck_by"]]
        print(f"  decisions: {len(live)} (+{len(state.decisions) - len(live)} struck through)")
        counts = ", ".join(f"{k} {v}" for k, v in state.counts.items())
        print(f"  counts: {counts}")
        print(f"  integrity: {state.integrity_line()}")
        return 0
    finally:
        loaded.close()
