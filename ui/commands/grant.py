"""`baton grant`: issue, narrow, revoke, hand over and show delegation grants.

    baton grant issue  --key AUTH.sign --to NAME --to-key NAME.sign.pub --incident ID
                       --stations a,b --kinds x,y --zones z1,z2
                       [--from ISO] (--until ISO | --hours N) [--depth N] -o FILE
    baton grant narrow --parent FILE --key COMMANDER.sign --to NAME --to-key PUB
                       [--stations ...] [--kinds ...] [--zones ...] [--from/--until/--hours]
                       [--depth N] -o FILE
    baton grant revoke FILE --key ISSUER.sign --reason TEXT [--at ISO] [--grant ID] -o REVFILE
    baton grant handover --chain FILE --key ISSUER.sign --to NAME --to-key PUB --at ISO
                       -o NEW.grant [--revocation-out REVFILE] [--reason TEXT]
    baton grant show   FILE [--trust TRUSTFILE] [--revocations REVFILE...]
                       (exit 0 when the chain is valid now, 1 when it is not)

A grant file holds the whole chain, root first (see command.authority.documents). Times are
given in ISO 8601; a time without a zone is taken as UTC.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from command.authority.chain import ChainVerifier
from command.authority.documents import (
    load_chain,
    load_revocation,
    save_chain,
    save_revocation,
)
from command.authority.errors import AuthorityError
from command.authority.grants import Grant, issue_grant, narrow_grant, revoke_grant
from command.authority.handover import hand_over
from command.authority.keys import fingerprint, load_public_key, load_signer, load_trust
from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.authority.revocation import RevocationSet
from command.authority.scope import Scope
from command.clock import SystemClock
from command.review.timefmt import offset_text


def register(subparsers: Any) -> None:
    """Add `baton grant` and its sub-commands."""
    parser = subparsers.add_parser("grant", help="issue, narrow, revoke and show grants")
    sub = parser.add_subparsers(dest="grant_command", metavar="ACTION", required=True)

    issue = sub.add_parser("issue", help="issue a root grant from an authority key")
    issue.add_argument("--key", type=Path, required=True, metavar="AUTH.sign")
    _delegate_args(issue)
    issue.add_argument("--incident", required=True, metavar="ID")
    issue.add_argument("--stations", required=True, help="comma-separated, or '*'")
    issue.add_argument("--kinds", required=True, help="order kinds, comma-separated, or '*'")
    issue.add_argument("--zones", required=True, help="comma-separated, or '*'")
    _window_args(issue)
    issue.add_argument("--depth", type=int, default=0, help="further redelegation levels")
    issue.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    issue.set_defaults(func=_issue)

    narrow = sub.add_parser("narrow", help="redelegate part of a grant you hold")
    narrow.add_argument("--parent", type=Path, required=True, metavar="FILE")
    narrow.add_argument("--key", type=Path, required=True, metavar="COMMANDER.sign")
    _delegate_args(narrow)
    narrow.add_argument("--stations", help="subset of the parent's (default: all of them)")
    narrow.add_argument("--kinds", help="subset of the parent's (default: all of them)")
    narrow.add_argument("--zones", help="subset of the parent's (default: all of them)")
    _window_args(narrow)
    narrow.add_argument("--depth", type=int, help="default: one less than the parent's")
    narrow.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    narrow.set_defaults(func=_narrow)

    revoke = sub.add_parser("revoke", help="revoke a grant you issued")
    revoke.add_argument("file", type=Path, metavar="FILE")
    revoke.add_argument("--key", type=Path, required=True, metavar="ISSUER.sign")
    revoke.add_argument("--reason", required=True)
    revoke.add_argument("--at", help="effective time, ISO 8601 (default: now)")
    revoke.add_argument("--grant", help="grant id in the chain (default: the last one)")
    revoke.add_argument("-o", "--output", type=Path, required=True, metavar="REVFILE")
    revoke.set_defaults(func=_revoke)

    handover = sub.add_parser(
        "handover",
        help="hand a commander's authority to a successor",
        description="The issuer of the last grant in --chain gives NAME a grant with the same "
        "scope, window and depth, and revokes the predecessor's grant from --at on. Orders the "
        "predecessor issued before then stay valid. Nothing is written if either output exists.",
    )
    handover.add_argument(
        "--chain", type=Path, required=True, metavar="FILE", help="the predecessor's grant file"
    )
    handover.add_argument(
        "--key",
        type=Path,
        required=True,
        metavar="ISSUER.sign",
        help="key of whoever issued the predecessor's grant",
    )
    _delegate_args(handover)
    handover.add_argument("--at", required=True, help="handover time, ISO 8601")
    handover.add_argument("--reason", default="", help="default: 'handover from A to B'")
    handover.add_argument("-o", "--output", type=Path, required=True, metavar="NEW.grant")
    handover.add_argument(
        "--revocation-out",
        type=Path,
        metavar="REVFILE",
        help="the predecessor's revocation (default: NEW.grant with .rev)",
    )
    handover.set_defaults(func=_handover)

    show = sub.add_parser("show", help="show a grant chain and whether it is valid now")
    show.add_argument("file", type=Path, metavar="FILE")
    show.add_argument("--trust", type=Path, metavar="TRUSTFILE")
    show.add_argument("--revocations", type=Path, nargs="*", default=[], metavar="REVFILE")
    show.set_defaults(func=_show)


def _delegate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, metavar="NAME", help="who receives the grant")
    parser.add_argument("--to-key", type=Path, required=True, metavar="NAME.sign.pub")


def _window_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", help="ISO 8601 (default: now)")
    until = parser.add_mutually_exclusive_group()
    until.add_argument("--until", help="ISO 8601 end of the window")
    until.add_argument("--hours", type=float, help="window length from --from")


# -- parsing ------------------------------------------------------------------------------------


def parse_time(text: str, option: str) -> float:
    """ISO 8601 to UTC epoch seconds; a time without a zone is UTC."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuthorityError(
            f"{option} {text!r} is not an ISO 8601 time (e.g. 2026-11-23T14:00Z)"
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _names(text: str | None, option: str) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise AuthorityError(f"{option} needs at least one name (comma-separated)")
    return names


def _window(
    args: argparse.Namespace, now: float, default: tuple[float, float] | None
) -> tuple[float, float]:
    start = parse_time(args.start, "--from") if args.start else None
    if args.until:
        end: float | None = parse_time(args.until, "--until")
    elif args.hours is not None:
        if args.hours <= 0:
            raise AuthorityError(f"--hours must be positive, got {args.hours:g}")
        end = (start if start is not None else now) + args.hours * 3600
    else:
        end = None
    if default is None:
        if end is None:
            raise AuthorityError("say how long the grant lasts: --until ISO or --hours N")
        return (now if start is None else start), end
    return (default[0] if start is None else start), (default[1] if end is None else end)


# -- commands -----------------------------------------------------------------------------------


def _issue(args: argparse.Namespace) -> int:
    now = SystemClock().now()
    signer = load_signer(args.key)
    start, end = _window(args, now, None)
    scope = Scope.of(
        _names(args.stations, "--stations") or [],
        _names(args.kinds, "--kinds") or [],
        _names(args.zones, "--zones") or [],
    )
    grant = issue_grant(
        signer,
        delegate=args.to,
        delegate_key=load_public_key(args.to_key),
        incident=args.incident,
        scope=scope,
        not_before=start,
        not_after=end,
        redelegate_depth=args.depth,
        issued_at=now,
    )
    save_chain(args.output, [grant])
    print(f"{signer.name} → {grant.delegate}: grant {grant.id} written to {args.output}")
    return 0


def _narrow(args: argparse.Namespace) -> int:
    now = SystemClock().now()
    chain = load_chain(args.parent)
    parent = chain[-1]
    signer = load_signer(args.key)
    start, end = _window(args, now, (parent.not_before, parent.not_after))
    scope = Scope.of(
        _names(args.stations, "--stations") or parent.scope.stations,
        _names(args.kinds, "--kinds") or parent.scope.order_kinds,
        _names(args.zones, "--zones") or parent.scope.zones,
    )
    grant = narrow_grant(
        parent,
        signer,
        delegate=args.to,
        delegate_key=load_public_key(args.to_key),
        scope=scope,
        not_before=start,
        not_after=end,
        redelegate_depth=args.depth,
        issued_at=now,
    )
    save_chain(args.output, [*chain, grant])
    print(f"{signer.name} → {grant.delegate}: grant {grant.id} written to {args.output}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    now = SystemClock().now()
    chain = load_chain(args.file)
    if args.grant:
        found = [g for g in chain if g.id == args.grant]
        if not found:
            raise AuthorityError(f"{args.file} holds no grant {args.grant}")
        grant = found[0]
    else:
        grant = chain[-1]
    signer = load_signer(args.key)
    at = parse_time(args.at, "--at") if args.at else now
    rev = revoke_grant(grant, signer, reason=args.reason, effective_at=at, issued_at=now)
    save_revocation(args.output, rev)
    print(f"grant {grant.id} ({grant.delegate}) revoked from {_utc(at)}: written to {args.output}")
    return 0


def revocation_path(output: Path) -> Path:
    """Where `grant handover` writes the revocation by default: OUTPUT with suffix `.rev`."""
    path = output.with_suffix(".rev")
    return path if path != output else output.with_name(output.name + ".rev")


def _handover(args: argparse.Namespace) -> int:
    now = SystemClock().now()
    rev_path: Path = args.revocation_out or revocation_path(args.output)
    if rev_path.resolve() == args.output.resolve():
        raise AuthorityError("--revocation-out must differ from -o: they are two documents")
    for path in (args.output, rev_path):
        if path.exists():
            raise AuthorityError(f"{path} already exists: refusing to overwrite (choose another)")
        if not path.parent.is_dir():
            raise AuthorityError(f"{path.parent} is not a directory: create it first")
    chain = load_chain(args.chain)
    old = chain[-1]
    issuer = load_signer(args.key)
    at = parse_time(args.at, "--at")
    done = hand_over(
        old,
        issuer,
        successor=args.to,
        successor_key=load_public_key(args.to_key),
        effective_at=at,
        issued_at=now,
        reason=args.reason,
    )
    new = done.new
    save_chain(args.output, [*chain[:-1], new])
    save_revocation(rev_path, done.revocation)
    print(
        f"Handover for incident {old.incident}, signed by {_who(issuer.name, issuer.public_hex)}:"
    )
    print(
        f"  {_who(old.delegate, old.delegate_key)} hands command to "
        f"{_who(new.delegate, new.delegate_key)} at {_utc(at)} ({_local(at)})"
    )
    print(
        f"  new grant {new.id} for {new.delegate}: same scope; valid until {_utc(new.not_after)}; "
        f"may redelegate {new.redelegate_depth} more level(s)"
    )
    print(f"    written to {args.output}")
    print(f"  grant {old.id} of {old.delegate} revoked from {_utc(at)}: {done.revocation.reason}")
    print(f"    written to {rev_path}")
    print(
        f"Orders {old.delegate} issued before then stay valid. Give {rev_path} to the console\n"
        "and every station so that later orders under the old grant are refused."
    )
    return 0


def _show(args: argparse.Namespace) -> int:
    now = SystemClock().now()
    chain = load_chain(args.file)
    revocations = RevocationSet()
    for path in args.revocations:
        try:
            revocations.add(load_revocation(path))
        except AuthorityError as err:
            raise AuthorityError(f"{path}: {err}") from None
    if args.trust:
        roots = load_trust(args.trust)
        root_names = {r.key: r.name for r in roots}
    else:
        root_names = {chain[0].issuer_key: chain[0].issuer}
    lines = describe_chain(chain, root_names, revocations, now, trusted=bool(args.trust))
    print("\n".join(lines))
    return 0 if lines[-1].startswith("Status: VALID") else 1


# -- showing ------------------------------------------------------------------------------------


def _utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _local(ts: float) -> str:
    when = datetime.fromtimestamp(ts, UTC).astimezone()
    return f"{when.strftime('%Y-%m-%d %H:%M')} {offset_text(when)}"  # never "CST"


def _span(seconds: float) -> str:
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def time_left(grant: Grant, now: float) -> str:
    """'5 h 10 min left', 'starts in 20 min' or 'ended 3 min ago'."""
    if now < grant.not_before:
        return f"starts in {_span(grant.not_before - now)}"
    if now > grant.not_after:
        return f"ended {_span(now - grant.not_after)} ago"
    return f"{_span(grant.not_after - now)} left"


def _who(name: str, key: str) -> str:
    return f"{name} [{fingerprint(key)}]"


def describe_chain(
    chain: Sequence[Grant],
    root_names: dict[str, str],
    revocations: RevocationSet,
    now: float,
    *,
    trusted: bool,
) -> list[str]:
    """The lines `baton grant show` prints: each level, then the chain's status."""
    lines = [f"Incident {chain[-1].incident}: {len(chain)} level(s) of delegation"]
    for depth, g in enumerate(chain, start=1):
        lines += [
            f"{depth}. {_who(g.issuer, g.issuer_key)} → {_who(g.delegate, g.delegate_key)}"
            f"   (grant {g.id})",
            f"   stations:    {', '.join(g.scope.stations)}",
            f"   order kinds: {', '.join(g.scope.order_kinds)}",
            f"   zones:       {', '.join(g.scope.zones)}",
            f"   from  {_utc(g.not_before)}  ({_local(g.not_before)})",
            f"   until {_utc(g.not_after)}  ({_local(g.not_after)}), {time_left(g, now)}",
            f"   may redelegate {g.redelegate_depth} more level(s)",
        ]
        for rev in revocations.for_grant(g.id):
            lines.append(f"   revoked by {rev.issuer} from {_utc(rev.effective_at)}: {rev.reason}")
            lines.append(
                f"   orders received after {_utc(rev.effective_at + DEFAULT_MAX_SKEW_S)} are "
                "refused under it, whatever time they claim (at the default skew)"
            )
    lines += [
        "Time: stations judge each order's revocation and window at max(issued_at, receipt - "
        f"skew), skew = baton station --max-skew (default {DEFAULT_MAX_SKEW_S:g} wall s);",
        "   backdating an order buys at most the skew, and one signed more than the skew ahead",
        "   of the station's clock is refused (clock_skew).",
    ]
    result = ChainVerifier(root_names, revocations).verify(chain, now)
    if result.ok:
        root = root_names.get(chain[0].issuer_key, chain[0].issuer)
        if trusted:
            lines.append(f"Status: VALID (root {root} is in the trust file)")
        else:
            lines.append(
                "Status: VALID if you trust the root "
                f"{_who(root, chain[0].issuer_key)} (pass --trust TRUSTFILE to check it)"
            )
    else:
        assert result.reason is not None
        label = result.reason.value.replace("_", " ").upper()
        gid = result.grant_id
        where = f" (grant {gid})" if gid and gid not in result.detail else ""
        lines.append(f"Status: {label}: {result.detail}{where}")
    return lines
