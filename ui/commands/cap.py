"""`baton cap show FILE... [--json] [--lang LANG] [--trust PEM]`: what Baton makes of CAP alerts.

For each alert (a file may be an EDXL-DE distribution of several): version and envelope, status,
msgType, identifier, sender, sent, references, each info (language, event, the kind Baton derives,
urgency/severity/certainty, effective/onset/expires, headline, areas with their counts of
polygons, circles and geocodes, parameters), the signature verdict, and whether it would trigger
playbooks. Exit 0 when every file was read, 1 when one was not (each bad file is one line on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from command.errors import BatonError


def register(subparsers: Any) -> None:
    """Add the `cap` subcommand."""
    parser = subparsers.add_parser(
        "cap",
        help="read CAP alerts as Baton does",
        description="Inspect CAP 1.1/1.2 alerts (bare or in an EDXL-DE distribution).",
    )
    sub = parser.add_subparsers(dest="cap_command", metavar="ACTION", required=True)
    show = sub.add_parser(
        "show",
        help="print what Baton makes of each alert",
        description="Print what Baton makes of each alert: header, every info, areas, "
        "parameters, the XML signature verdict and whether it would trigger playbooks.",
    )
    show.add_argument("files", metavar="FILE", nargs="+", help="CAP alert or EDXL-DE file")
    show.add_argument("--json", action="store_true", help="one JSON document for all alerts")
    show.add_argument(
        "--lang",
        metavar="LANG",
        help="preferred language of the info shown (e.g. is-IS, zh-CN); else the first info",
    )
    show.add_argument(
        "--trust",
        metavar="PEM",
        action="append",
        help="PEM file of trusted certificates or public keys for XML signatures; repeatable "
        "(default: $BATON_CAP_TRUST)",
    )
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    """Print each file's alerts; a file that cannot be read is one line on stderr."""
    from command.cap.parse import load_alerts
    from command.cap.signature import CapTrust
    from command.cap.summary import summarize, summary_lines

    trust = CapTrust.load(args.trust) if args.trust else CapTrust.from_env()
    results: list[dict[str, Any]] = []
    failed = 0
    for path in args.files:
        try:
            alerts = load_alerts(path, trust=trust)
        except BatonError as err:
            print(f"baton: {err}", file=sys.stderr)
            failed += 1
            continue
        for alert in alerts:
            summary = summarize(alert, lang=args.lang)
            if args.json:
                results.append({"file": path, **summary})
            else:
                print(f"{path}:")
                print("\n".join(summary_lines(summary)))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 1 if failed else 0
