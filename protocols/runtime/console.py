"""The live console runtime: one scenario's console engine, wired from provisioned files.

`ConsoleRuntime(options).start()` builds the console engine (one thread owns the sockets and the
journal writer; other threads talk to it through commands) from what
`protocols.runtime.provision.provision` made: the commander's signing key, the console's CURVE
secret, the stations' allow-list and the grant chain. In the engine thread it then journals
`incident.opened` (once per journal), journals the grant chain the console acts under (so the
header and the review know the delegation) and queues the grant documents for every station.
With `autopilot_delay_s` the playbooks' suggestions are approved in the engine thread after that
delay (the headless demo's commander). `stop()` is bounded and closes the journal with a signed
checkpoint; `summary()` then reads the journal back read-only. A console journal that cannot be
written stops the engine on its own: `failure` then says which file and why, in one line.
With `mqtt` feeds the runtime also subscribes to MQTT brokers (`protocols.mqtt_feeds`): their
threads hand observations to the engine as `IngestFeed` commands, which go through the same
fusion and journal path as the ZeroMQ feed bus.

No Qt here: the commander's window that can sit on top of a runtime is `ui.console.launch`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

from command.authority.documents import load_chain
from command.authority.grants import Grant
from command.authority.keys import load_signer
from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.autopilot import Autopilot
from command.clock import SimulatedClock
from command.errors import BatonError, JournalError, ValidationError
from command.fold import Counts, IncidentState, fold
from command.journal import Journal, verify_journal
from command.journal.checkpoints import CheckpointPolicy
from command.picture.engine import PictureEngine
from command.scenarios.mqtt_mapping import MqttMapper, subscriptions
from command.scenarios.scenario import FeedSpec, Scenario
from command.vocabulary import GrantRecorded, IncidentOpened, Kind, SitrepSent, SuggestionOutcome
from protocols.centre_commands import SendSitrep, UplinkState
from protocols.certs import load_curve_keys, load_curve_public
from protocols.commands import (
    CommandFailed,
    ConsoleStatus,
    FeedRejected,
    Handlers,
    MetricHistory,
    MetricPoint,
    StatusChanged,
    UplinkChanged,
)
from protocols.delivery import WireConfig
from protocols.engine import Engine, EngineBatch
from protocols.mqtt_feeds import IngestFeed, MqttFeed, MqttFeedConfig
from protocols.nodes import ConsoleNode, ConsoleSettings
from protocols.runtime.lifetime import EngineRuntime, check_speed
from protocols.runtime.provision import (
    Provisioned,
    load_allow_list,
    load_feed_allow_list,
    load_report_keys,
)
from protocols.station_link import StationLink
from protocols.uplink import (
    SiteUplink,
    UplinkSettings,
    UplinkStatus,
    compose_sitrep,
    documents_chain,
    open_uplink,
)

JSON = Any
HISTORY_S = 30 * 60.0  # how much of the key metrics a window opened mid-incident is shown


class ConsoleRuntimeError(BatonError):
    """The console runtime cannot start or was used out of order."""


@dataclass(frozen=True)
class ConsoleOptions:
    """Everything a live console run needs (see the module docstring)."""

    scenario: Scenario
    provisioned: Provisioned
    journal: Path
    origin: float  # wall epoch (time.time()) of scenario minute 0
    speed: float = 1.0
    orders_bind: str = "tcp://127.0.0.1:7701"
    feeds_bind: str = "tcp://127.0.0.1:7702"
    snapshots_bind: str = "tcp://127.0.0.1:7703"
    autopilot_delay_s: float | None = None  # headless demo: approve suggestions after this delay
    max_skew_s: float = DEFAULT_MAX_SKEW_S  # wall seconds a station report's time may be off
    mqtt: tuple[MqttFeedConfig, ...] = ()  # brokers to subscribe to (the scenario's mqtt: rules)
    # The operations centre this site ships its journal to (`baton console --centre`): its
    # address, its CURVE public key file, its name; this site's name on the centre's allow-list
    # and its own uplink CURVE secret (default: the provisioned `uplink/` pair).
    centre: str | None = None
    centre_key: Path | None = None
    centre_name: str = "centre"
    site: str = ""
    uplink_key: Path | None = None


@dataclass(frozen=True)
class RunSummary:
    """What a console run did, read back from its journal (the headless demo prints it): the
    fold's counts (`IncidentState.counts()`), the suggestions approved and signals received."""

    journal: Path
    counts: Counts
    approved: int
    signals: int
    verified: bool
    verify_detail: str

    @property
    def orders_issued(self) -> int:
        """Orders issued."""
        return self.counts.issued

    @property
    def accepted(self) -> int:
        """Orders that were ever accepted."""
        return self.counts.accepted

    @property
    def completed(self) -> int:
        """Orders completed."""
        return self.counts.completed

    @property
    def declined(self) -> int:
        """Orders declined by their station."""
        return self.counts.declined

    @property
    def late(self) -> int:
        """Orders an escalation said were late (not accepted in time, or overdue)."""
        return self.counts.late

    @property
    def escalations(self) -> int:
        """Escalations raised."""
        return self.counts.escalations

    @property
    def decisions(self) -> int:
        """Decision-log entries (corrections included)."""
        return self.counts.decisions

    @property
    def suggestions(self) -> int:
        """Suggestions proposed."""
        return self.counts.suggestions

    def lines(self) -> list[str]:
        """Human-readable lines for a terminal."""
        c = self.counts
        verdict = "intact" if self.verified else f"BROKEN ({self.verify_detail})"
        refused = f", rejected {c.rejected}" if c.rejected else ""
        return [
            f"Orders issued {c.issued}: accepted {c.accepted}, completed "
            f"{c.completed}, declined {c.declined}{refused}, late {c.late}",
            f"Escalations {c.escalations}; decisions {c.decisions}; suggestions {c.suggestions}",
            f"Journal {self.journal}: baton verify says {verdict}",
        ]


# -- incident.opened ------------------------------------------------------------------------


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def key_metrics(scenario: Scenario) -> list[dict[str, JSON]]:
    """The scenario's metrics that have thresholds, per zone: {zone, metric, title, unit,
    thresholds: {blue, yellow, orange, red}}."""
    units: dict[tuple[str, str], str] = {(f.zone, f.metric): f.unit for f in scenario.feeds}
    for d in scenario.derived:
        for f in scenario.feeds:
            if f.metric == d.metric:
                units.setdefault((f.zone, d.name), d.unit)
    out: list[dict[str, JSON]] = []
    for t in scenario.thresholds:
        zones = [z for (z, m) in units if m == t.indicator]
        if t.zones:
            zones = [z for z in zones if z in t.zones]
        for zone in dict.fromkeys(zones):
            out.append(
                {
                    "zone": zone,
                    "metric": t.indicator,
                    "title": _title(t.indicator),
                    "unit": units[(zone, t.indicator)],
                    "thresholds": {
                        "blue": t.blue,
                        "yellow": t.yellow,
                        "orange": t.orange,
                        "red": t.red,
                    },
                }
            )
    return out


def feed_entry(feed: FeedSpec) -> dict[str, JSON]:
    """One feed as `incident.opened` records it: zone, metric, interval and unit, and how it
    reads (a count; a state's words in English and Chinese) when the scenario says, so the
    centre and a replay show "open to riders", never "1", from the journal alone."""
    entry: dict[str, JSON] = {
        "zone": feed.zone,
        "metric": feed.metric,
        "interval_s": feed.interval_s,
        "unit": feed.unit,
    }
    if feed.integer:
        entry["integer"] = True
    if feed.labels:
        entry["labels"] = [
            {"value": lab.value, "en": lab.en, "zh_CN": lab.zh_CN} for lab in feed.labels
        ]
    return entry


def incident_opened_body(options: ConsoleOptions) -> dict[str, JSON]:
    """The `incident.opened` event body (review, replay and exports read it)."""
    sc = options.scenario
    inc = sc.incident
    d = sc.delegation
    return {
        "incident": {
            "id": inc.id,
            "name": inc.name,
            "timezone": inc.timezone,
            "zones": [{"id": z.id, "name": z.name, "area_m2": z.area_m2} for z in inc.zones],
            "stations": [
                {
                    "id": s.id,
                    "name": s.name,
                    "agency": s.agency,
                    "kinds": [{"name": k.name, "title": k.title} for k in s.catalogue],
                }
                for s in inc.stations
            ],
        },
        "commander": d.commander_name or d.commander,
        "position": d.position,
        "agency": d.authority_name or d.authority,
        "scenario": sc.name,
        "speed": options.speed,
        "origin": options.origin,
        "feeds": [feed_entry(f) for f in sc.feeds],
        "key_metrics": key_metrics(sc),
    }


def metric_history(
    scenario: Scenario, journal: Journal, since: float, until: float
) -> list[MetricPoint]:
    """The key metrics' recent values from the journal's observations, for a window opened in
    mid-incident: per zone and feed interval, the median over sources (divided by the zone's
    area for a derived indicator such as density)."""
    derived = {d.name: d for d in scenario.derived}
    areas = scenario.areas()
    intervals = {(f.zone, f.metric): f.interval_s for f in scenario.feeds}
    out: list[MetricPoint] = []
    for km in key_metrics(scenario):
        zone, metric = str(km["zone"]), str(km["metric"])
        spec = derived.get(metric)
        fed = spec.metric if spec is not None else metric
        step = intervals.get((zone, fed), 60.0)
        buckets: dict[float, list[float]] = {}
        for o in journal.observations(since=since, until=until, zone=zone, metric=fed):
            buckets.setdefault(math.floor(o.ts / step) * step, []).append(o.value)
        for ts, values in sorted(buckets.items()):
            value = statistics.median(values)
            if spec is not None:
                area = areas.get(zone) or 0.0
                if area <= 0:
                    continue
                value /= area
            out.append(MetricPoint(zone, metric, ts, value))
    return out


# -- the engine node --------------------------------------------------------------------------


class RuntimeNode(ConsoleNode):
    """A ConsoleNode that opens the incident, ships the grants, runs the autopilot and reports
    its status (online stations, outbox size) to the GUI when it changes."""

    def __init__(
        self,
        context: zmq.Context[Any],
        settings: ConsoleSettings,
        *,
        opened: dict[str, JSON],
        chain: Sequence[Grant],
        autopilot_delay_s: float | None,
        scenario: Scenario | None = None,
        history_s: float = 0.0,
        uplink: UplinkSettings | None = None,
        site: str = "",
    ) -> None:
        super().__init__(context, settings)
        self._last_status: ConsoleStatus | None = None
        self._last_uplink: UplinkState | None = None
        self.autopilot: Autopilot | None = None
        self.up_link: StationLink | None = None
        self.uplink: SiteUplink | None = None
        self._to_flush: set[str] = set()
        try:
            if uplink is not None:
                self.up_link, self.uplink = open_uplink(
                    context,
                    self.journal,
                    uplink,
                    name=site or settings.name,
                    clock=settings.clock,
                    wire=settings.wire,
                    forward=self._from_centre,
                )
            self._open_incident(opened, chain)
            if scenario is not None and history_s > 0:
                now = settings.clock.now()
                history = metric_history(scenario, self.journal, now - history_s, now)
                if history:
                    self.report(MetricHistory(tuple(history)))
            if autopilot_delay_s is not None and self.picture is not None:
                self.autopilot = Autopilot(
                    self.picture.book,
                    clock=settings.clock,
                    commander=self.post.commander,
                    delay_s=autopilot_delay_s,
                )
        except BaseException:
            self.close()
            raise

    def _open_incident(self, opened: dict[str, JSON], chain: Sequence[Grant]) -> None:
        journal = self.journal
        incident = self.settings.incident.id
        known_grants = {
            str(e.body.get("grant", {}).get("id"))
            for e in journal.events(kinds=[Kind.GRANT_ISSUED, Kind.GRANT_NARROWED])
        }
        has_opened = next(iter(journal.events(kinds=[Kind.INCIDENT_OPENED])), None) is not None
        new_chain = chain and chain[-1].id not in known_grants
        if has_opened and not new_chain:
            return
        with journal.transaction():
            if not has_opened:
                journal.record(
                    IncidentOpened.from_body(opened), actor=self.post.commander, incident=incident
                )
            if new_chain:
                for i, g in enumerate(chain):
                    if g.id in known_grants:
                        continue
                    journal.record(
                        GrantRecorded(g.to_dict(), narrowed=i > 0),
                        actor=g.issuer,
                        incident=incident,
                    )
                documents = [g.to_dict() for g in chain]
                for station in self.settings.incident.stations:
                    self.post.send_grants(station.id, documents)
        if new_chain:
            for station in self.settings.incident.stations:
                self.wire.flush(station.id)

    # -- the centre link ------------------------------------------------------------------------

    def _from_centre(self, documents: list[dict[str, JSON]]) -> None:
        """Grant and revocation documents from the centre (journaled by the uplink): queue them
        for every station (sent once the uplink's batch is committed); a whole chain ending at
        this console's key becomes the chain new orders are signed under."""
        for station in self.settings.incident.stations:
            self.post.send_grants(station.id, documents)
            self._to_flush.add(station.id)
        chain = documents_chain(documents, self.post.signer.public_hex)
        if chain is not None:
            self.post.grant_chain = chain

    def sockets(self) -> list[zmq.Socket[Any]]:
        """The console's sockets and the uplink's DEALER."""
        return super().sockets() + (self.up_link.sockets() if self.up_link else [])

    def pump(self) -> int:
        """The console's input, then the centre's."""
        count = super().pump()
        if self.uplink is not None:
            try:
                count += self.uplink.pump()
            finally:
                for station in sorted(self._to_flush):
                    self.wire.flush(station)
                self._to_flush.clear()
        return count

    def send_sitrep(self, cmd: SendSitrep) -> str:
        """Answer a SITREP request: the summary from the fold of this journal, the remarks;
        journaled (`sitrep.sent`) and shipped up like every event."""
        if self.uplink is None:
            raise ValidationError("this console has no centre: start it with --centre")
        if cmd.sitrep_id not in self.uplink.open_sitreps:
            open_ = ", ".join(self.uplink.open()) or "none"
            raise ValidationError(f"no open SITREP request {cmd.sitrep_id!r} (open: {open_})")
        now = self.settings.clock.now()
        summary = compose_sitrep(fold(self.journal.events()), now)
        by = cmd.by or self.post.commander
        self.journal.record(SitrepSent(cmd.sitrep_id, summary, cmd.remarks, by), actor=by)
        self.uplink.sitrep_sent(cmd.sitrep_id)
        self.uplink.flush()
        return cmd.sitrep_id

    def uplink_status(self, _: UplinkStatus) -> UplinkState:
        """Where the link to the centre stands (an empty state without a centre)."""
        if self.uplink is None:
            return UplinkState(head=self.journal.head[0])
        return self.uplink.state()

    def close(self) -> None:
        """Close the uplink, then the console."""
        try:
            if getattr(self, "up_link", None) is not None:
                assert self.up_link is not None
                self.up_link.close()
        finally:
            super().close()

    def tick(self, now: float) -> None:
        """The console's timers, then the autopilot, then a status update when it changed."""
        super().tick(now)
        if self.uplink is not None:
            self.uplink.tick(now)
        if self.autopilot is not None:
            pilot = self.autopilot
            for s in pilot.due(now):
                try:
                    # in the name of whoever holds the post now (a handover changes it): the one
                    # whose key signs the orders
                    decided = self._book().decide_approve(
                        s.id, by=self.post.commander, why=pilot.why
                    )
                    self._issue_decided(decided)
                except JournalError:  # cannot journal: the engine stops the console
                    raise
                except BatonError as err:  # refused whole: left open for the commander
                    pilot.give_up(s.id)
                    self.report(CommandFailed("autopilot", f"suggestion {s.id}: {err}"))
        status = self.status()
        if status != self._last_status:
            self._last_status = status
            self.report(StatusChanged(status))
        self._report_uplink()

    def _report_uplink(self) -> None:
        """An `UplinkChanged` update when the uplink's state differs from the last one sent."""
        if self.uplink is None:
            return
        state = self.uplink.state()
        if state != self._last_uplink:
            self._last_uplink = state
            self.report(UplinkChanged(state))

    def handlers(self) -> Handlers:
        """The console's commands, plus observations from the MQTT feed threads."""
        return (
            super()
            .handlers()
            .on(IngestFeed, self.ingest_feed)
            .on(SendSitrep, self.send_sitrep)
            .on(UplinkStatus, self.uplink_status)
        )

    def ingest_feed(self, cmd: IngestFeed) -> int:
        """A feed thread's batch: through fusion and the journal like a ZeroMQ feed batch."""
        for code, text in cmd.refusals:
            self.report(FeedRejected(code, text))
        if cmd.observations:
            self._on_feed(cmd.publisher, list(cmd.observations), [])
        return len(cmd.observations)


# -- the runtime ------------------------------------------------------------------------------


def uplink_settings(options: ConsoleOptions) -> UplinkSettings | None:
    """Where this console ships its journal (None: no centre). Raises `ConsoleRuntimeError`
    naming the missing file when the centre's key or this site's uplink key is not given."""
    if not options.centre:
        return None
    if options.centre_key is None:
        raise ConsoleRuntimeError("--centre needs --centre-key FILE (the centre's CURVE key)")
    secret = options.uplink_key or options.provisioned.directory / "uplink" / "uplink.key_secret"
    if not secret.exists():
        raise ConsoleRuntimeError(
            f"no uplink key at {secret}: pass --uplink-key FILE or provision the centre first"
        )
    return UplinkSettings(
        centre=options.centre_name,
        address=options.centre,
        centre_public=load_curve_public(options.centre_key),
        keys=load_curve_keys(secret),
    )


class ConsoleRuntime(EngineRuntime):
    """A live console engine for one scenario (see the module docstring)."""

    error = ConsoleRuntimeError
    role = "console"

    def __init__(
        self, options: ConsoleOptions, on_batch: Callable[[EngineBatch], None] | None = None
    ) -> None:
        check_speed(options.speed, ConsoleRuntimeError)
        self.options = options
        self.clock = SimulatedClock.from_origin(
            options.scenario.start, options.speed, options.origin
        )
        p = options.provisioned
        self._signer = load_signer(p.console_signing_key)
        self._chain = load_chain(p.grant_chain)
        keys = load_curve_keys(p.console_curve_secret)
        scenario = options.scenario
        clock = self.clock
        self.settings = ConsoleSettings(
            name=p.commander,
            journal_path=options.journal,
            clock=clock,
            signer=self._signer,
            grant_chain=tuple(g.id for g in self._chain),
            incident=scenario.incident,
            keys=keys,
            allowed=load_allow_list(p.allow_list),
            # Reports must carry the allow-listed station's signature and a time within the
            # skew (given in wall seconds; the scenario clock runs `speed` times faster).
            report_keys=load_report_keys(p.allow_list),
            max_skew_s=options.max_skew_s * options.speed,
            address=options.orders_bind,
            feed_address=options.feeds_bind,
            snapshot_address=options.snapshots_bind,
            feed_allowed=load_feed_allow_list(p.feed_allow_list),
            picture_factory=lambda journal: PictureEngine(scenario, clock=clock, journal=journal),
            wire=WireConfig.paced(options.speed),
            feed_stale_after_s=10.0 * options.speed,
            picture_every_s=max(1.0, 0.5 * options.speed),
            # Sign the journal's head every 200 events or 10 wall seconds (x speed on this clock).
            checkpoints=CheckpointPolicy(every_s=10.0 * options.speed),
        )
        opened = incident_opened_body(options)
        uplink = uplink_settings(options)
        engine = Engine(
            lambda ctx: RuntimeNode(
                ctx,
                self.settings,
                opened=opened,
                chain=self._chain,
                autopilot_delay_s=options.autopilot_delay_s,
                scenario=scenario,
                history_s=HISTORY_S if on_batch is not None else 0.0,
                uplink=uplink,
                site=options.site or p.commander,
            ),
            clock,
            on_batch=on_batch,
            name="baton-console",
            replay_history=on_batch is not None,
        )
        super().__init__(engine, options.journal)
        self.mqtt_feeds: list[MqttFeed] = []

    @property
    def journal_path(self) -> Path:
        """The console journal file."""
        return self.options.journal

    def _started_engine(self) -> None:
        """The MQTT feeds start once the engine that ingests them is up."""
        scenario = self.options.scenario
        for config in self.options.mqtt:
            mapper = MqttMapper(
                scenario.mqtt,
                frozenset(z.id for z in scenario.incident.zones),
                to_scenario=self.clock.at_wall,
            )
            feed = MqttFeed(config, mapper, self.engine.call, topics=subscriptions(scenario.mqtt))
            self.mqtt_feeds.append(feed.start())

    def _stopping_engine(self) -> None:
        """The MQTT feeds stop first: their last batches still reach the journal."""
        for feed in self.mqtt_feeds:
            feed.stop()

    def summary(self) -> RunSummary:
        """What the run did, read from the journal (call after `stop`)."""
        if not self.options.journal.exists():
            raise ConsoleRuntimeError(
                f"no journal at {self.options.journal}: the console never started"
            )
        return summarize(self.options.journal)


def summarize(path: Path) -> RunSummary:
    """A `RunSummary` of the console journal at `path` (read-only), from the one fold."""
    journal = Journal.open_readonly(path)
    try:
        state = fold(journal.events())
    finally:
        journal.close()
    return run_summary(path, state)


def run_summary(path: Path, state: IncidentState) -> RunSummary:
    """The `RunSummary` of a console journal already folded into `state`."""
    result = verify_journal(path)
    return RunSummary(
        journal=path,
        counts=state.counts(),
        approved=sum(
            1 for s in state.suggestions.rows if s.status == SuggestionOutcome.APPROVED.value
        ),
        signals=sum(1 for a in state.alerts.rows if not a.issued),
        verified=result.ok,
        verify_detail=result.problem or result.detail,
    )
