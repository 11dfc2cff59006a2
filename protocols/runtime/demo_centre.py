"""The operations centre in `baton demo` (`--centre`, `--multi`): provisioning, the centre's
engine or window, the second incident of `--multi`, the Disney handover and the summary lines.

- `--centre` provisions a district centre (`provision_centre`, named after the scenario's
  authority: `huangpu_ops` → `huangpu`) admitting the site console, which connects up to it.
  Headless, the centre is a `CentreRuntime` in the demo process; with windows it is a
  `baton centre` child (its window), under the demo's `Supervisor`.
- `--multi` runs typhoon next to bund, both under the Huangpu centre: one shared authorities
  folder (`DATA_DIR/multi/`), and typhoon moved to bund's evening (a copy of its YAML with bund's
  start) so the centre and both sites share one scenario clock.
- Disney with a centre: at scenario minute `HANDOVER_AT_MIN` the Pudong centre hands on-site
  command over to the district's duty commander (`HandOverSite`); orders open then carry on,
  the old commander's grant is revoked at the stations.
- The summary: per site what the centre mirrored (through which seq of the site's own head) and
  whether the fold of the mirror counts what the site's own journal counts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from command.authority.keys import create_signing_keypair, load_public_key
from command.centre.mirror import MirroredEvent
from command.errors import BatonError
from command.fold import fold
from command.journal import Journal
from command.scenarios.loader import load_scenario
from command.scenarios.scenario import Scenario
from command.vocabulary import Kind, SiteEvent, decode
from protocols.centre_commands import HandOverSite
from protocols.runtime.centre import CentreOptions, CentreRuntime
from protocols.runtime.console import ConsoleOptions
from protocols.runtime.provision import (
    CentreFiles,
    Provisioned,
    UplinkFiles,
    provision_centre,
)

CENTRE_PORT = 7711  # protocols.centre_node.DEFAULT_CENTRE_ADDRESS
MULTI_SECOND = "typhoon"  # run next to bund by --multi
MULTI_DIR = "multi"  # data-dir folder of --multi runs (one authorities folder for both sites)
HANDOVER_SCENARIO = "disney"
HANDOVER_AT_MIN = 150.0  # after the last scheduled order (minute 140); orders open then carry on
SUCCESSOR = "pudong_duty"  # the Pudong district's duty commander takes on-site command
SETTLE_S = 10.0  # wall seconds at the end for the centre to mirror each site's head


def centre_name(scenario: Scenario) -> str:
    """The district centre of `scenario`: its delegating authority without `_ops`."""
    return scenario.delegation.authority.removesuffix("_ops")


def shifted_copy(scenario: Scenario, start_text: str, folder: Path) -> Scenario:
    """`scenario` written to `folder/<name>.yaml` with its incident starting at `start_text`
    (so two incidents share one clock); its GeoJSON and data files resolve from Baton's own
    scenario folders."""
    text = scenario.path.read_text(encoding="utf-8")
    new, n = re.subn(r'(?m)^(\s+start:\s*)"[^"]*"', rf'\g<1>"{start_text}"', text, count=1)
    if n != 1:
        raise BatonError(f"{scenario.path}: no incident start line to move to {start_text}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{scenario.name}.yaml"
    path.write_text(new, encoding="utf-8")
    return load_scenario(str(path))


def start_text(scenario: Scenario) -> str:
    """The incident's `start:` as written in its YAML."""
    m = re.search(r'(?m)^\s+start:\s*"([^"]*)"', scenario.path.read_text(encoding="utf-8"))
    if m is None:
        raise BatonError(f"{scenario.path}: no incident start line")
    return m.group(1)


@dataclass(frozen=True)
class Site:
    """One site console under the centre: its scenario, provisioned files and journal."""

    name: str
    scenario: Scenario
    provisioned: Provisioned
    journal: Path


@dataclass(frozen=True)
class CentrePlan:
    """The provisioned centre of a demo run, where it listens and its journal."""

    files: CentreFiles
    uplinks: dict[str, UplinkFiles]
    address: str
    journal: Path
    sites: tuple[Site, ...]

    def console(self, options: ConsoleOptions, site: str) -> ConsoleOptions:
        """`options` connected up to this centre as `site`."""
        up = self.uplinks[site]
        return replace(
            options,
            centre=self.address,
            centre_key=up.centre_public,
            centre_name=self.files.name,
            site=site,
            uplink_key=up.curve_secret,
        )

    def options(self, scenario: Scenario, origin: float, speed: float) -> CentreOptions:
        """The centre runtime's options on the sites' scenario clock."""
        return CentreOptions(
            files=self.files,
            journal=self.journal,
            bind=self.address,
            clock_start=scenario.start,
            origin=origin,
            speed=speed,
        )

    def window_argv(
        self,
        baton: Sequence[str],
        scenario: Scenario,
        origin: float,
        speed: float,
        screenshot: Path | None = None,
        shoot_after_s: float = 0.0,
        look: Sequence[str] = (),
    ) -> list[str]:
        """`baton centre` (the window) for this centre on the sites' clock; `look` is its
        `--lang`/`--theme` options (`demo.look_argv`)."""
        f = self.files
        argv = [
            *baton,
            "centre",
            "--name",
            f.name,
            "--dir",
            str(f.directory),
            "--signing-key",
            str(f.signing_key),
            "--journal",
            str(self.journal),
            "--bind",
            self.address,
            "--start",
            repr(scenario.start),
            "--origin",
            repr(origin),
            "--speed",
            f"{speed:g}",
            "--timezone",
            scenario.incident.timezone,
        ]
        if f.chain is not None:
            argv += ["--grant", str(f.chain)]
        if screenshot is not None:
            argv += ["--screenshot", str(screenshot), "--duration", f"{shoot_after_s:g}"]
        return [*argv, *look]

    def describe(self) -> str:
        """One banner line."""
        sites = ", ".join(s.name for s in self.sites)
        return (
            f"Operations centre {self.files.name} on {self.address} (sites: {sites}); journal "
            f"{self.journal}"
        )


def plan_centre(sites: Sequence[Site], data_dir: Path, address: str, journal: Path) -> CentrePlan:
    """Provision the district centre of the first site's scenario admitting `sites`."""
    first = sites[0].provisioned
    files, uplinks = provision_centre(
        data_dir / "centres",
        centre_name(sites[0].scenario),
        signing_key=first.authority_key,
        chain=first.district_grant,
        sites={s.name: s.provisioned for s in sites},
    )
    return CentrePlan(files, uplinks, address, journal, tuple(sites))


# -- the Disney handover ----------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """When and to whom the centre hands the site's on-site command over."""

    site: str
    grant_id: str
    at_ts: float  # scenario time
    successor: str
    successor_key: str
    key_file: Path

    def line(self) -> str:
        """One banner line."""
        return (
            f"Handover: at scenario minute {HANDOVER_AT_MIN:g} the centre hands on-site command "
            f"of {self.site} to {self.successor} (Pudong district duty commander; key "
            f"{self.key_file}); open orders carry on"
        )


def plan_handover(site: Site) -> Handover | None:
    """The Disney scenario's handover to the Pudong district (None for other scenarios)."""
    if site.scenario.name != HANDOVER_SCENARIO:
        return None
    folder = site.provisioned.directory / "successor"
    public = folder / f"{SUCCESSOR}.sign.pub"
    if not public.exists():
        create_signing_keypair(folder, SUCCESSOR)
    return Handover(
        site.name,
        site.provisioned.chain_ids[-1],
        site.scenario.start + HANDOVER_AT_MIN * 60.0,
        SUCCESSOR,
        load_public_key(public),
        public,
    )


class HandoverTimer:
    """Performs `handover` on the centre once its clock reaches the handover's time."""

    def __init__(self, centre: CentreRuntime, handover: Handover | None) -> None:
        self.centre = centre
        self.handover = handover
        self.done: str | None = None  # the successor's grant id once handed over
        self.error: str | None = None

    def tick(self) -> None:
        """Hand over when due (once); a refusal is remembered as one line."""
        h = self.handover
        if h is None or self.done is not None or self.error is not None:
            return
        if self.centre.clock.now() < h.at_ts:
            return
        try:
            self.done = self.centre.engine.call_sync(
                HandOverSite(
                    h.site,
                    h.grant_id,
                    h.successor,
                    h.successor_key,
                    note="on-site command to the Pudong district",
                )
            )
        except BatonError as err:
            self.error = f"the handover of {h.site} to {h.successor} was refused: {err}"


# -- what the centre saw ----------------------------------------------------------------------


def mirrored(centre_journal: Path) -> dict[str, list[SiteEvent]]:
    """Per site, the events the centre mirrored, in order."""
    out: dict[str, list[SiteEvent]] = {}
    journal = Journal.open_readonly(centre_journal)
    try:
        for ev in journal.events(kinds=[Kind.SITE_EVENT]):
            body = decode(ev)
            if isinstance(body, SiteEvent):
                out.setdefault(body.site, []).append(body)
    finally:
        journal.close()
    return out


def site_head(path: Path) -> int:
    """The last seq of a site's own journal (0 when it cannot be read)."""
    try:
        journal = Journal.open_readonly(path)
    except (BatonError, OSError):
        return 0
    try:
        return journal.head[0]
    finally:
        journal.close()


def mirrored_through(centre_journal: Path, site: str) -> int:
    """The last seq of `site` the centre mirrored (0: none or unreadable)."""
    try:
        seqs = mirrored(centre_journal).get(site, [])
    except (BatonError, OSError):
        return 0
    return seqs[-1].seq if seqs else 0


def settle(centre_journal: Path, sites: Sequence[Site], within_s: float = SETTLE_S) -> None:
    """Wait (bounded) until the centre mirrored each site's journal through its head."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if all(mirrored_through(centre_journal, s.name) >= site_head(s.journal) for s in sites):
            return
        time.sleep(0.2)


def centre_lines(plan: CentrePlan, handover: HandoverTimer | None) -> tuple[list[str], list[str]]:
    """(summary lines, problems): per site mirrored events through which seq of the site's own
    head, and whether the mirror's fold counts what the site's journal counts."""
    lines: list[str] = [f"  operations centre {plan.files.name}: {plan.journal}"]
    problems: list[str] = []
    try:
        seen = mirrored(plan.journal)
    except (BatonError, OSError) as err:
        return lines, [f"cannot read the centre journal {plan.journal}: {err}"]
    for s in plan.sites:
        mirror = seen.get(s.name, [])
        through = mirror[-1].seq if mirror else 0
        journal = Journal.open_readonly(s.journal)
        try:
            own = [e for e in journal.events() if e.seq <= through]
            head = journal.head[0]
            handed = sum(1 for _ in journal.events(kinds=[Kind.HANDOVER]))
        finally:
            journal.close()
        theirs = fold(MirroredEvent.of(m) for m in mirror).counts()
        mine = fold(own).counts()
        same = theirs == mine
        lines.append(
            f"    site {s.name}: {len(mirror)} events mirrored through seq {through} of "
            f"{head}; orders {theirs.issued} issued, {theirs.accepted} accepted, "
            f"{theirs.completed} completed; escalations {theirs.escalations}; decisions "
            f"{theirs.decisions}: " + ("equal to the site's own" if same else "DIFFERENT")
        )
        if handed:
            lines.append(f"    site {s.name} journaled {handed} handover(s) from the centre")
        if not same:
            problems.append(f"the centre's mirror of {s.name} counts {theirs}, the site {mine}")
        if not mirror:
            problems.append(f"the centre mirrored nothing of {s.name}")
    if handover is not None and handover.handover is not None:
        h = handover.handover
        if handover.done:
            lines.append(
                f"    handover: {h.site} on-site command to {h.successor} (grant "
                f"{handover.done}) at scenario minute {HANDOVER_AT_MIN:g}"
            )
        else:
            problems.append(handover.error or f"the handover of {h.site} did not happen")
    return lines, problems
