"""`baton demo`, headless: one call that runs a whole scenario on loopback.

`run_demo(args)` provisions keys and grants (`protocols.runtime.provision`), picks the console's
three ports, starts one `baton station` per station and the feed simulator (`baton simulate`)
under a `Supervisor`, all on one scenario clock (the same `--origin` and `--speed`), then runs the
console in this process: headless with the autopilot approving suggestions (`ConsoleRuntime`), or
as the console window through the `ConsoleWindowOpener` the caller passes (the ui layer has the
window; this module has no Qt). Whatever ends the run (the scenario's end, `--duration`, closing
the window, Ctrl-C, SIGTERM), every child is stopped and the console journal closed.

Defaults: scenario `bund`; speed 60x headless (or with `--screenshot`), 10x with the window;
headless runs the whole scenario at that speed, the window runs until it is closed. With a window
a person answers (the console, or `--station-windows`), every order kind gives at least
`HUMAN_ACCEPT_WALL_S` of wall time to accept (its due time moves by as much; `human_scale`), the
headless stations' simulated operators answer in wall seconds too (`baton station
--operator-wall`, deciding within `WALL_DECIDE_WITHIN_S`, well inside that minute), and the
banner says so; headless (and `--screenshot`) timing is the scenario's.

A journal that cannot be written ends a headless run early: the console's engine stops with a
`JournalFailed`, a station exits with `JOURNAL_FAILED_EXIT` and its one line last in its log; the
summary says which journal failed and why, never "All journals verify", and the exit code is 1.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Literal, Protocol, TextIO

from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.errors import BatonError
from command.journal import verify_journal
from command.journal.verify_run import KEYS_POINTER
from command.model import OrderKind
from command.scenarios.loader import load_scenario
from command.scenarios.operator import WALL_DECIDE_WITHIN_S
from command.scenarios.scenario import Scenario
from protocols.runtime import demo_centre
from protocols.runtime.centre import CentreRuntime
from protocols.runtime.console import ConsoleOptions, ConsoleRuntime, RunSummary, summarize
from protocols.runtime.provision import Provisioned, StationFiles, default_data_dir, provision
from protocols.runtime.supervisor import JOURNAL_FAILED_EXIT, Child, Supervisor

SCENARIOS = ("bund", "typhoon", "disney")
DEFAULT_SCENARIO = "bund"
HEADLESS_SPEED = 60.0  # bund's 150 minutes in 2.5 minutes
WINDOW_SPEED = 10.0  # slow enough to watch and to answer at a station window
START_LEAD_S = 5.0  # scenario minute 0 this many wall seconds after launch: children are up
AUTOPILOT_DELAY_S = 20.0  # scenario seconds the headless commander takes to approve
HUMAN_ACCEPT_WALL_S = 60.0  # with a window open: wall seconds at least to accept any order
HOST = "127.0.0.1"
DEFAULT_PORTS = (7701, 7702, 7703)  # orders, feeds, snapshots
SCREENSHOT_AT = (0.3, 0.6, 0.9)  # fractions of the run
STOP_TIMEOUT_S = 5.0
HEADLESS_HINT = "run headless with 'make demo ARGS=--headless' or 'baton demo --headless'"

Mode = Literal["headless", "window", "screenshot"]


class DemoError(BatonError):
    """The demo cannot start as asked; the message names the option or file and the fix."""


@dataclass(frozen=True)
class WindowRun:
    """How the console window runs: when it closes by itself and which screenshots it saves.

    `screenshot_times_s` are wall seconds after start at which the window is saved into
    `screenshot_dir`; `quit_after_s` closes the window after that long (None: when the user does).
    """

    quit_after_s: float | None
    screenshot_dir: Path | None = None
    screenshot_times_s: tuple[float, ...] = ()
    language: str | None = None  # the window's language ("en", "zh_CN"); None: as saved
    theme: str | None = None  # the window's theme ("light", "dark"); None: as saved


class ConsoleWindowOpener(Protocol):
    """Opens the commander's window on a live console runtime (provided by the ui layer)."""

    def open(self, options: ConsoleOptions, run: WindowRun) -> int:
        """Run the window on a runtime made from `options` until it closes; the exit code."""
        ...

    def quit(self) -> None:
        """Ask an open window to close (called from a signal handler; may do nothing)."""
        ...


@dataclass(frozen=True)
class DemoArgs:
    """What the user asked for on the command line (None: the default)."""

    scenario: str = DEFAULT_SCENARIO
    headless: bool = False
    speed: float | None = None
    duration: float | None = None
    journal: Path | None = None
    data_dir: Path | None = None
    screenshot: Path | None = None
    station_windows: int = 0
    max_skew: float = DEFAULT_MAX_SKEW_S  # wall seconds, for the console and every station
    centre: bool = False  # a district operations centre the console reports up to
    multi: bool = False  # bund and typhoon at once under one centre (implies centre)
    language: str | None = None  # the windows' language (--lang); None: as saved
    theme: str | None = None  # the windows' theme (--theme); None: as saved


@dataclass(frozen=True)
class Ports:
    """The console's three loopback ports; `fallback` when the defaults were busy."""

    orders: int
    feeds: int
    snapshots: int
    fallback: bool = False
    host: str = HOST

    def address(self, port: int) -> str:
        """`tcp://host:port`."""
        return f"tcp://{self.host}:{port}"

    def describe(self) -> str:
        """One line for the banner."""
        line = (
            f"Console on {self.host}: orders {self.orders}, feeds {self.feeds}, "
            f"snapshots {self.snapshots}"
        )
        if self.fallback:
            busy = ", ".join(str(p) for p in DEFAULT_PORTS)
            line += f" (the default ports {busy} are busy: using free ones)"
        return line


@dataclass(frozen=True)
class DemoPlan:
    """A checked demo run: scenario, mode, clock speed, how long, and where files go."""

    scenario: Scenario
    mode: Mode
    speed: float
    duration_s: float | None  # wall seconds from scenario minute 0; None: until the window closes
    journal: Path
    data_dir: Path
    station_windows: int
    screenshot_dir: Path | None = None
    max_skew_s: float = DEFAULT_MAX_SKEW_S  # wall seconds
    centre: bool = False
    multi: bool = False
    log_prefix: str = ""  # before each child's name (the second incident of --multi)
    language: str | None = None  # the windows' language; None: as saved
    theme: str | None = None  # the windows' theme; None: as saved

    @property
    def run_dir(self) -> Path:
        """The folder of this run's console journal."""
        return self.journal.parent

    @property
    def stations_dir(self) -> Path:
        """Where the station journals go (next to the console journal)."""
        return self.run_dir / "stations"

    @property
    def log_dir(self) -> Path:
        """Where the children's output goes."""
        return self.run_dir / "logs"

    def station_journal(self, station_id: str) -> Path:
        """The journal file of one station."""
        return self.stations_dir / f"{station_id}.sqlite"

    @property
    def human_timing(self) -> bool:
        """A person answers at a window (the console's or a station's): deadlines are at least
        `HUMAN_ACCEPT_WALL_S` of wall time and simulated operators answer in wall seconds."""
        return self.mode == "window" or self.station_windows > 0

    @property
    def scenario_wall_s(self) -> float:
        """Wall seconds the whole scenario takes at this speed."""
        return self.scenario.duration_min * 60.0 / self.speed

    def screenshot_times(self) -> list[float]:
        """Wall seconds (after the console starts) at which to save screenshots."""
        length = self.duration_s if self.duration_s is not None else self.scenario_wall_s
        return [round(START_LEAD_S + f * length, 1) for f in SCREENSHOT_AT]


# -- checks ---------------------------------------------------------------------------------


def display_problem(env: Mapping[str, str]) -> str | None:
    """Why no window can open here (one line with the headless alternative), or None."""
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or not sys.platform.startswith("linux"):
        return None
    return f"no display (DISPLAY and WAYLAND_DISPLAY are unset): {HEADLESS_HINT}"


def _positive(value: float | None, option: str, *, zero_ok: bool = False) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        what = "zero or more" if zero_ok else "a positive number"
        raise DemoError(f"{option} must be {what}, got {value:g}")


def _fresh_journal(scenario: str, data_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    base = data_dir / scenario / "runs"
    run = base / stamp
    n = 1
    while run.exists():
        n += 1
        run = base / f"{stamp}-{n}"
    return run / "console.sqlite"


def human_scale(scenario: Scenario, speed: float) -> Scenario:
    """`scenario` with every order kind's acceptance deadline at least `HUMAN_ACCEPT_WALL_S` of
    wall time on a clock `speed` times faster (its due time later by as much), so a person at
    a window can meet it."""
    floor = HUMAN_ACCEPT_WALL_S * speed

    def kind(k: OrderKind) -> OrderKind:
        if k.ack_deadline_s >= floor:
            return k
        return replace(k, ack_deadline_s=floor, due_s=k.due_s + floor - k.ack_deadline_s)

    stations = tuple(
        replace(st, catalogue=tuple(kind(k) for k in st.catalogue))
        for st in scenario.incident.stations
    )
    return replace(scenario, incident=replace(scenario.incident, stations=stations))


def plan_demo(args: DemoArgs, env: Mapping[str, str] | None = None) -> DemoPlan:
    """Check the arguments and settle the defaults; raises DemoError with the fix."""
    env = os.environ if env is None else env
    _positive(args.speed, "--speed")
    _positive(args.duration, "--duration")
    _positive(args.max_skew, "--max-skew", zero_ok=True)
    if args.station_windows < 0:
        raise DemoError(f"--station-windows must be zero or more, got {args.station_windows}")
    mode: Mode = "headless" if args.headless else "window"
    if args.screenshot is not None:
        if args.headless:
            raise DemoError("--screenshot takes pictures of the console window: drop --headless")
        mode = "screenshot"
    if args.multi and args.scenario != DEFAULT_SCENARIO:
        raise DemoError(
            f"--multi runs bund and {demo_centre.MULTI_SECOND} together: drop {args.scenario!r}"
        )
    scenario = load_scenario(args.scenario)
    stations = len(scenario.incident.stations)
    if args.station_windows > stations:
        raise DemoError(
            f"--station-windows {args.station_windows}: {scenario.name} has only {stations} "
            "stations"
        )
    if mode == "window" or args.station_windows:
        problem = display_problem(env)
        if problem:
            raise DemoError(problem)
    speed = args.speed or (WINDOW_SPEED if mode == "window" else HEADLESS_SPEED)
    if mode == "window" or args.station_windows:  # DemoPlan.human_timing
        scenario = human_scale(scenario, speed)
    duration = args.duration
    if duration is None and mode != "window":
        duration = scenario.duration_min * 60.0 / speed
    data_dir = (args.data_dir or default_data_dir()).expanduser()
    journal = args.journal.expanduser() if args.journal else _fresh_journal(scenario.name, data_dir)
    plan = DemoPlan(
        scenario=scenario,
        mode=mode,
        speed=speed,
        duration_s=duration,
        journal=journal.absolute(),
        data_dir=data_dir.absolute(),
        station_windows=args.station_windows,
        screenshot_dir=args.screenshot.absolute() if args.screenshot else None,
        max_skew_s=args.max_skew,
        centre=args.centre or args.multi,
        multi=args.multi,
        language=args.language,
        theme=args.theme,
    )
    taken = [plan.journal] + [plan.station_journal(s.id) for s in scenario.incident.stations]
    clash = next((p for p in taken if p.exists()), None)
    if clash is not None:
        raise DemoError(
            f"{clash} already exists: a demo starts a fresh incident; give --journal a new "
            "path (station journals go to its folder's stations/) or delete the old run"
        )
    return plan


# -- ports ----------------------------------------------------------------------------------


def port_free(port: int, host: str = HOST) -> bool:
    """True when nobody listens on `host:port` (probed like ZeroMQ binds, SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _any_free_ports(n: int, host: str) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind((host, 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def pick_ports(defaults: Sequence[int] = DEFAULT_PORTS, host: str = HOST) -> Ports:
    """The default ports when all three are free, else three free loopback ports."""
    orders, feeds, snapshots = defaults
    if all(port_free(p, host) for p in defaults):
        return Ports(orders, feeds, snapshots, fallback=False, host=host)
    orders, feeds, snapshots = _any_free_ports(3, host)
    return Ports(orders, feeds, snapshots, fallback=True, host=host)


# -- command lines --------------------------------------------------------------------------


def _baton() -> list[str]:
    """This interpreter running the `baton` CLI in safe-path mode (`-P`, Python 3.11+).

    Without `-P`, `python -m` puts the working directory first on `sys.path`, so a folder that
    holds a `data/` (or `ui/`, `command/`...) directory would shadow Baton's own packages.
    """
    return [sys.executable, "-P", "-m", "ui.cli"]


def station_argv(
    plan: DemoPlan, files: StationFiles, ports: Ports, origin: float, *, window: bool
) -> list[str]:
    """`baton station` for one station on the shared scenario clock."""
    argv = [
        *_baton(),
        "station",
        *files.station_args(),
        "--connect",
        ports.address(ports.orders),
        "--journal",
        str(plan.station_journal(files.id)),
        "--scenario",
        str(plan.scenario.path),
        "--origin",
        repr(origin),
        "--speed",
        f"{plan.speed:g}",
        "--max-skew",
        repr(plan.max_skew_s),
    ]
    if window:
        return argv + look_argv(plan.language, plan.theme)
    # With a person watching, a simulated operator answers in wall seconds, as a person would.
    return [*argv, "--headless", *(["--operator-wall"] if plan.human_timing else [])]


def look_argv(language: str | None, theme: str | None) -> list[str]:
    """`--lang` and `--theme` for a window child (`baton station`, `baton centre`); nothing
    for what is None (the window keeps what its View menu saved)."""
    return [
        a
        for option, value in (("--lang", language), ("--theme", theme))
        if value
        for a in (option, value)
    ]


def simulator_argv(
    plan: DemoPlan, provisioned: Provisioned, ports: Ports, origin: float
) -> list[str]:
    """`baton simulate` on the shared scenario clock, as the provisioned (allow-listed) feed
    publisher: its own CURVE key, trusting the console's."""
    return [
        *_baton(),
        "simulate",
        str(plan.scenario.path),
        *provisioned.simulator.publisher_args(),
        "--feeds",
        ports.address(ports.feeds),
        "--snapshots",
        ports.address(ports.snapshots),
        "--origin",
        repr(origin),
        "--speed",
        f"{plan.speed:g}",
    ]


def console_options(
    plan: DemoPlan, provisioned: Provisioned, ports: Ports, origin: float
) -> ConsoleOptions:
    """The console runtime's options for this run."""
    return ConsoleOptions(
        scenario=plan.scenario,
        provisioned=provisioned,
        journal=plan.journal,
        origin=origin,
        speed=plan.speed,
        orders_bind=ports.address(ports.orders),
        feeds_bind=ports.address(ports.feeds),
        snapshots_bind=ports.address(ports.snapshots),
        autopilot_delay_s=AUTOPILOT_DELAY_S if plan.mode == "headless" else None,
        max_skew_s=plan.max_skew_s,
    )


# -- the summary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """`baton verify`'s verdict on one journal."""

    name: str
    path: Path
    ok: bool
    text: str


@dataclass(frozen=True)
class DemoSummary:
    """What a headless run did, read back from its journals."""

    scenario: str
    counts: Mapping[str, int]
    verdicts: tuple[Verdict, ...]
    journal: Path
    problems: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()  # journals that could not be written: which and why
    extra: tuple[str, ...] = ()  # the operations centre's view (and --multi's second incident)

    @property
    def verified(self) -> bool:
        """Every journal verifies (what was journaled is intact)."""
        return bool(self.verdicts) and all(v.ok for v in self.verdicts)

    @property
    def ok(self) -> bool:
        """Every journal verifies, every journal could be written and nothing went wrong."""
        return self.verified and not self.problems and not self.failures

    def lines(self) -> list[str]:
        """The printed summary."""
        c = self.counts
        out = [
            f"Summary of the {self.scenario} demo:",
            f"  orders: {c['issued']} issued, {c['accepted']} accepted, {c['completed']} "
            f"completed, {c['declined']} declined, {c['late']} late",
            f"  escalations: {c['escalations']}; decisions: {c['decisions']}; suggestions: "
            f"{c['proposed']} proposed, {c['approved']} approved; signals: {c['signals']}",
            f"  console journal: {self.journal}",
            *self.extra,
            "  baton verify:",
        ]
        width = max((len(v.name) for v in self.verdicts), default=0)
        out += [f"    {v.name:<{width}}  {v.text}" for v in self.verdicts]
        out += [f"  journal failed: {f}" for f in self.failures]
        out += [f"  problem: {p}" for p in self.problems]
        if self.ok:
            out.append("All journals verify.")
        elif self.failures and self.verified:
            out.append(
                "NOT a complete run: a journal could not be written (see above); what was "
                "journaled before verifies."
            )
        elif self.verified:
            out.append("NOT a clean run: see the problems above (what was journaled verifies).")
        else:
            out.append("NOT everything verifies: see above.")
        return out


COUNT_KEYS = (
    "issued",
    "accepted",
    "completed",
    "declined",
    "late",
    "escalations",
    "decisions",
    "proposed",
    "approved",
    "signals",
)


def console_counts(path: Path, run: RunSummary | None = None) -> Counter[str]:
    """The summary's figures, all from the one fold of the console journal (`RunSummary`:
    `IncidentState.counts()`, suggestions approved, signals received)."""
    run = run or summarize(path)
    c = run.counts
    counts: Counter[str] = Counter(dict.fromkeys(COUNT_KEYS, 0))
    counts.update(
        issued=c.issued,
        accepted=c.accepted,
        completed=c.completed,
        declined=c.declined,
        late=c.late,
        escalations=c.escalations,
        decisions=c.decisions,
        proposed=c.suggestions,
        approved=run.approved,
        signals=run.signals,
    )
    return counts


def verdict(name: str, path: Path) -> Verdict:
    """Verify one journal (a missing or unreadable one is a failed verdict, not a crash)."""
    if not path.exists():
        return Verdict(name, path, False, f"{path}: missing (the process never wrote it)")
    try:
        result = verify_journal(path)
    except BatonError as err:
        return Verdict(name, path, False, f"{path}: {err}")
    if result.ok:
        text = f"intact: {result.events} events, {result.checkpoints} checkpoints ({path})"
    else:
        text = f"BROKEN at seq {result.first_bad_seq}: {result.problem} {result.detail} ({path})"
    return Verdict(name, path, result.ok, text)


def summarise(
    plan: DemoPlan,
    problems: Sequence[str] = (),
    run: RunSummary | None = None,
    failures: Sequence[str] = (),
) -> DemoSummary:
    """Counts from the console journal and a verdict for every journal of the run; `failures`
    are the journals that could not be written (one line each: which file and why)."""
    verdicts = [verdict("console", plan.journal)]
    verdicts += [verdict(s.id, plan.station_journal(s.id)) for s in plan.scenario.incident.stations]
    try:
        counts = console_counts(plan.journal, run)
    except (BatonError, OSError) as err:
        counts = Counter(dict.fromkeys(COUNT_KEYS, 0))
        problems = [*problems, f"cannot read {plan.journal}: {err}"]
    return DemoSummary(
        plan.scenario.name,
        counts,
        tuple(verdicts),
        plan.journal,
        tuple(problems),
        tuple(failures),
    )


# -- running --------------------------------------------------------------------------------


@dataclass
class _Stop:
    """Set by SIGINT/SIGTERM (or the window closing); remembers which signal."""

    event: threading.Event = field(default_factory=threading.Event)
    signum: int | None = None
    on_signal: Callable[[], None] | None = None

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.signum = signum
        self.event.set()
        if self.on_signal is not None:
            self.on_signal()


@contextlib.contextmanager
def _signals(stop: _Stop) -> Iterator[None]:
    sigs = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, stop.handle) for s in sigs}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _start_children(
    plan: DemoPlan, provisioned: Provisioned, ports: Ports, origin: float, sup: Supervisor
) -> None:
    plan.stations_dir.mkdir(parents=True, exist_ok=True)
    # so that `baton verify RUN_DIR` finds the run's public keys wherever the journals went
    (plan.run_dir / KEYS_POINTER).write_text(f"{provisioned.directory.resolve()}\n", "utf-8")
    for n, files in enumerate(provisioned.stations):
        window = n < plan.station_windows
        argv = station_argv(plan, files, ports, origin, window=window)
        sup.start(f"{plan.log_prefix}station-{files.id}", argv)
    sup.start(f"{plan.log_prefix}simulator", simulator_argv(plan, provisioned, ports, origin))


def failed_children(sup: Supervisor) -> tuple[list[str], list[str]]:
    """Children that ended with an error (the simulator ends with 0 at the scenario's end, a
    child stopped by SIGTERM with 0 or -SIGTERM), each with the last line of its log (its
    one-line error): (those whose journal could not be written, the others)."""
    journals: list[str] = []
    others: list[str] = []
    for c in sup.exited():
        code = c.process.returncode
        if code in (0, None, -signal.SIGTERM):
            continue
        last = _last_line(c)
        if code == JOURNAL_FAILED_EXIT:
            why = last or f"{c.name}: its journal could not be written"
            journals.append(f"{why} (log: {c.log_path})")
        else:
            said = f": {last}" if last else ""
            others.append(f"{c.name} exited with code {code}{said} (log: {c.log_path})")
    return journals, others


def _last_line(child: Child, tail: int = 4096) -> str:
    """The last non-empty line of a child's log ('' when there is none)."""
    if child.log_path is None:
        return ""
    try:
        with open(child.log_path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - tail))
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_demo(
    args: DemoArgs,
    *,
    window: ConsoleWindowOpener | None = None,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the demo as asked; returns the exit code.

    A run with the window (or screenshots) needs `window`; without it only --headless runs.
    """
    out = out or sys.stdout
    plan = plan_demo(args, env)
    if plan.mode != "headless" and window is None:
        raise DemoError(f"this program has no console window: {HEADLESS_HINT}")
    if plan.mode == "screenshot" and display_problem(os.environ if env is None else env):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # screenshots need no screen
    plan.journal.parent.mkdir(parents=True, exist_ok=True)
    if plan.centre:
        return _run_with_centre(plan, window, out)
    provisioned = provision(plan.scenario, plan.data_dir, now_scenario=plan.scenario.start)
    ports = pick_ports()
    say = _printer(out)
    for line in provisioned.describe():
        say(line)
    say(ports.describe())
    say(_run_line(plan))
    stop = _Stop()
    sup = Supervisor(plan.log_dir)
    with _signals(stop):
        try:
            origin = time.time() + START_LEAD_S
            _start_children(plan, provisioned, ports, origin, sup)
            options = console_options(plan, provisioned, ports, origin)
            if plan.mode == "headless" or window is None:
                return _run_headless(plan, options, sup, stop, say)
            return _run_window(plan, options, window, sup, stop, say)
        finally:
            sup.stop_all(STOP_TIMEOUT_S)


def _printer(out: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    return say


def _run_line(plan: DemoPlan) -> str:
    stations = len(plan.scenario.incident.stations)
    how = {
        "headless": "headless (the autopilot approves every suggestion after "
        f"{AUTOPILOT_DELAY_S:g} scenario seconds)",
        "window": "with the console window",
        "screenshot": f"taking screenshots into {plan.screenshot_dir}",
    }[plan.mode]
    length = (
        f"for {plan.duration_s:g} s" if plan.duration_s is not None else "until the window closes"
    )
    human = ""
    if plan.human_timing:
        human = (
            f"; orders give at least {HUMAN_ACCEPT_WALL_S:g} s (wall) to accept and the "
            f"simulated operators answer in wall seconds (within {WALL_DECIDE_WITHIN_S:g} s)"
        )
    return (
        f"Running {plan.scenario.name} at {plan.speed:g}x {length}, {how}; {stations} stations "
        f"({plan.station_windows} as windows) and the feed simulator{human}; journals in "
        f"{plan.run_dir}"
    )


def _run_headless(
    plan: DemoPlan,
    options: ConsoleOptions,
    sup: Supervisor,
    stop: _Stop,
    say: Callable[[str], None],
) -> int:
    assert plan.duration_s is not None
    runtime = ConsoleRuntime(options)
    runtime.start()
    try:
        deadline = options.origin + plan.duration_s
        while not stop.event.is_set():
            left = deadline - time.time()
            if left <= 0 or runtime.failure is not None or any(failed_children(sup)):
                break
            stop.event.wait(min(0.5, left))
        failures, problems = failed_children(sup)  # before the SIGTERM that stops the rest
    finally:
        sup.stop_all(STOP_TIMEOUT_S)
        runtime.stop()
    if stop.signum is not None:
        say(f"Stopped by {signal.Signals(stop.signum).name}: everything shut down.")
    if runtime.failure is not None:
        failures.insert(0, runtime.failure.text)
    try:
        run = runtime.summary()
    except BatonError as err:
        run, problems = None, [*problems, str(err)]
    summary = summarise(plan, problems, run, failures)
    for line in summary.lines():
        say(line)
    if stop.signum is not None:
        return 128 + stop.signum
    return 0 if summary.ok else 1


def window_run(plan: DemoPlan) -> WindowRun:
    """How the window runs for `plan`: until closed or `duration_s`; with screenshots, three
    shots spread over the run and closed one second after the last."""
    if plan.mode != "screenshot":
        return WindowRun(plan.duration_s, language=plan.language, theme=plan.theme)
    assert plan.screenshot_dir is not None
    times = tuple(plan.screenshot_times())
    return WindowRun(
        quit_after_s=times[-1] + 1.0,
        screenshot_dir=plan.screenshot_dir,
        screenshot_times_s=times,
        language=plan.language,
        theme=plan.theme,
    )


def _run_window(
    plan: DemoPlan,
    options: ConsoleOptions,
    window: ConsoleWindowOpener,
    sup: Supervisor,
    stop: _Stop,
    say: Callable[[str], None],
) -> int:
    stop.on_signal = window.quit
    run = window_run(plan)
    if run.screenshot_dir is not None:
        run.screenshot_dir.mkdir(parents=True, exist_ok=True)
    if stop.event.is_set():  # stopped while the children were starting
        return 128 + (stop.signum or 0)
    code = window.open(options, run)
    sup.stop_all(STOP_TIMEOUT_S)
    if plan.mode == "screenshot":
        shots = sorted(plan.screenshot_dir.glob("*.png")) if plan.screenshot_dir else []
        say(f"Saved {len(shots)} screenshot(s) in {plan.screenshot_dir}")
    say(f"Console journal: {plan.journal}")
    if stop.signum is not None:
        return 128 + stop.signum
    return code


# -- with the operations centre (--centre, --multi) -----------------------------------------


def companion_plan(plan: DemoPlan) -> DemoPlan:
    """--multi's second incident: typhoon moved to bund's evening (one clock for the centre and
    both sites), its journals in the run's `typhoon/` folder, answered by the autopilot."""
    folder = plan.data_dir / demo_centre.MULTI_DIR / "scenarios"
    second = demo_centre.shifted_copy(
        load_scenario(demo_centre.MULTI_SECOND), demo_centre.start_text(plan.scenario), folder
    )
    return replace(
        plan,
        scenario=second,
        journal=plan.run_dir / second.name / "console.sqlite",
        mode="headless",
        station_windows=0,
        screenshot_dir=None,
        log_prefix=f"{second.name}-",
    )


def _centre_address() -> str:
    port = demo_centre.CENTRE_PORT
    if not port_free(port):
        port = _any_free_ports(1, HOST)[0]
    return f"tcp://{HOST}:{port}"


def _run_with_centre(plan: DemoPlan, window: ConsoleWindowOpener | None, out: TextIO) -> int:
    """The demo with a district centre (and, with --multi, a second incident under it)."""
    say = _printer(out)
    data = plan.data_dir / demo_centre.MULTI_DIR if plan.multi else plan.data_dir
    authorities = data / "authorities" if plan.multi else None
    plans = [plan, companion_plan(plan)] if plan.multi else [plan]
    provisioned = [
        provision(p.scenario, data, now_scenario=p.scenario.start, authorities=authorities)
        for p in plans
    ]
    ports = [pick_ports()]
    for _ in plans[1:]:
        orders, feeds, snapshots = _any_free_ports(3, HOST)
        ports.append(Ports(orders, feeds, snapshots, fallback=True))
    sites = [
        demo_centre.Site(p.scenario.name, p.scenario, prov, p.journal)
        for p, prov in zip(plans, provisioned, strict=True)
    ]
    centre = demo_centre.plan_centre(sites, data, _centre_address(), plan.run_dir / "centre.sqlite")
    handover = demo_centre.plan_handover(sites[0])
    for prov in provisioned:
        for line in prov.describe():
            say(line)
    for p, port in zip(plans, ports, strict=True):
        say(f"{p.scenario.name}: {port.describe()}")
    say(_run_line(plan))
    if plan.multi:
        say(f"{_run_line(plans[1])} (the autopilot approves its suggestions)")
    say(centre.describe())
    if handover is not None:
        how = "" if plan.mode == "headless" else " (with the window: Authority → Hand over)"
        say(handover.line() + how)
    stop = _Stop()
    sup = Supervisor(plan.log_dir)
    with _signals(stop):
        try:
            origin = time.time() + START_LEAD_S
            if plan.mode != "headless" and window is not None:
                _start_centre_window(plan, centre, origin, sup)  # first: Qt takes longest
            for p, prov, port in zip(plans, provisioned, ports, strict=True):
                p.run_dir.mkdir(parents=True, exist_ok=True)
                _start_children(p, prov, port, origin, sup)
            options = [
                centre.console(console_options(p, prov, port, origin), site.name)
                for p, prov, port, site in zip(plans, provisioned, ports, sites, strict=True)
            ]
            if plan.mode == "headless" or window is None:
                return _run_centre_headless(plans, options, centre, handover, sup, stop, say)
            return _run_centre_window(plan, options, centre, window, sup, stop, say)
        finally:
            sup.stop_all(STOP_TIMEOUT_S)


def _start_centre_window(
    plan: DemoPlan, centre: demo_centre.CentrePlan, origin: float, sup: Supervisor
) -> None:
    """The centre window (a `baton centre` child); with --screenshot it saves `centre.png` at
    the console's middle shot (well before everything stops) and closes."""
    run = window_run(plan)
    shot: Path | None = None
    shoot_after = 0.0
    if plan.screenshot_dir is not None and run.screenshot_times_s:
        shot = plan.screenshot_dir / "centre.png"
        shoot_after = run.screenshot_times_s[len(run.screenshot_times_s) // 2]
    look = look_argv(plan.language, plan.theme)
    argv = centre.window_argv(
        _baton(), plan.scenario, origin, plan.speed, shot, shoot_after, look=look
    )
    sup.start("centre", argv)


def _run_centre_window(
    plan: DemoPlan,
    options: Sequence[ConsoleOptions],
    centre: demo_centre.CentrePlan,
    window: ConsoleWindowOpener,
    sup: Supervisor,
    stop: _Stop,
    say: Callable[[str], None],
) -> int:
    """The console window and, with --multi, the second console headless in this process (the
    centre window is already started)."""
    extras = [ConsoleRuntime(o) for o in options[1:]]
    try:
        for r in extras:
            r.start()
        code = _run_window(plan, options[0], window, sup, stop, say)
    finally:
        for r in extras:
            r.stop()
    say(f"Centre journal: {centre.journal}")
    return code


def _run_centre_headless(
    plans: Sequence[DemoPlan],
    options: Sequence[ConsoleOptions],
    centre_plan: demo_centre.CentrePlan,
    handover: demo_centre.Handover | None,
    sup: Supervisor,
    stop: _Stop,
    say: Callable[[str], None],
) -> int:
    """Every console headless and the centre's engine in this process; then the summary with
    the centre's view and a verdict on the centre journal too."""
    plan = plans[0]
    assert plan.duration_s is not None
    centre = CentreRuntime(centre_plan.options(plan.scenario, options[0].origin, plan.speed))
    centre.start()
    timer = demo_centre.HandoverTimer(centre, handover)
    runtimes = [ConsoleRuntime(o) for o in options]
    try:
        for r in runtimes:
            r.start()
        deadline = options[0].origin + plan.duration_s
        while not stop.event.is_set():
            left = deadline - time.time()
            broken = any(r.failure is not None for r in runtimes) or centre.failure is not None
            if left <= 0 or broken or any(failed_children(sup)):
                break
            timer.tick()
            stop.event.wait(min(0.5, left))
        failures, problems = failed_children(sup)
        sup.stop_all(STOP_TIMEOUT_S)
        if stop.signum is None:
            demo_centre.settle(centre_plan.journal, centre_plan.sites)
    finally:
        sup.stop_all(STOP_TIMEOUT_S)
        for r in runtimes:
            r.stop()
        centre.stop()
    if stop.signum is not None:
        say(f"Stopped by {signal.Signals(stop.signum).name}: everything shut down.")
    for r in runtimes:
        if r.failure is not None:
            failures.insert(0, r.failure.text)
    if centre.failure is not None:
        failures.insert(0, centre.failure.text)
    runs: list[RunSummary | None] = []
    for r in runtimes:
        try:
            runs.append(r.summary())
        except BatonError as err:
            runs.append(None)
            problems.append(str(err))
    lines, centre_problems = demo_centre.centre_lines(centre_plan, timer)
    summary = summarise(plan, [*problems, *centre_problems], runs[0], failures)
    extra: list[str] = []
    verdicts = list(summary.verdicts)
    for p, run in zip(plans[1:], runs[1:], strict=True):
        other = summarise(p, (), run)
        extra += [f"  {p.scenario.name}: {line.strip()}" for line in other.lines()[1:3]]
        extra.append(f"  {p.scenario.name} console journal: {p.journal}")
        verdicts += [replace(v, name=f"{p.scenario.name}/{v.name}") for v in other.verdicts]
    verdicts.append(verdict(f"centre {centre_plan.files.name}", centre_plan.journal))
    names = " and ".join(p.scenario.name for p in plans)
    summary = replace(summary, scenario=names, verdicts=tuple(verdicts), extra=(*extra, *lines))
    for line in summary.lines():
        say(line)
    if stop.signum is not None:
        return 128 + stop.signum
    return 0 if summary.ok else 1
