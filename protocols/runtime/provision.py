"""Keys, grants, trust and allow-list files for a live run of one scenario (`baton demo`).

`provision(scenario, data_dir, now_scenario=...)` makes, under ``data_dir/<scenario name>/``::

    authorities/  shanghai_ops.sign(.pub)  AUTHORITY.sign(.pub)   city root and the district
    console/      COMMANDER.sign(.pub)  console.key(_secret)  allow.yaml
    grants/       district.grant (city → district)  commander.grant (city → district → commander)
    stations/ID/  ID.key(_secret)  ID.sign(.pub)  console.key  trust.yaml   one folder per station

The allow-list names each station's CURVE transport key and, beside it, the Ed25519 key its
reports are signed with (`stations: {ID: {curve: Z85, sign: hex}}`).
    trust.yaml    the city root (for `baton grant show --trust`)
    simulator/    simulator.key(_secret)  console.key                  the feed publisher
    console/feeds.yaml   the feed allow-list: `publishers: {name: Z85 CURVE public key}`

It is idempotent: existing keys are loaded and reused (a public file that does not match its
secret is rewritten), derived files are rewritten only when their content changes, and the grant
chain is kept while it still fits (`command.authority.provisioning.chain_fits`: it verifies at
`now_scenario` for the current keys and scope), else both grants are issued again. Which scopes,
depths and window the grants carry is decided in `command.authority.provisioning`; this module
only reads and writes the files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import platformdirs
import yaml
from zmq.utils import z85

from command.authority.documents import load_chain, save_chain
from command.authority.errors import AuthorityError, KeyFileError
from command.authority.grants import Grant
from command.authority.keys import (
    TrustedRoot,
    check_key_hex,
    check_name,
    create_signing_keypair,
    fingerprint,
    load_signer,
    write_trust,
)
from command.authority.provisioning import (
    ROOT_AUTHORITY,
    ROOT_AUTHORITY_NAME,
    Parties,
    ProvisionError,
    chain_fits,
    check_names,
    issue_chain,
)
from command.errors import BatonError
from command.files import MAX_DOCUMENT_BYTES, load_yaml_file
from command.scenarios.scenario import Scenario
from command.signing import Signer
from protocols.certs import (
    CurveKeys,
    create_curve_keypair,
    load_curve_keys,
    load_curve_public,
)

CONSOLE_CURVE_NAME = "console"
SIMULATOR_NAME = "simulator"


@dataclass(frozen=True)
class StationFiles:
    """What one station process needs (the arguments of `baton station`)."""

    id: str
    directory: Path
    curve_secret: Path
    curve_public: Path
    console_public: Path
    trust: Path
    signing_key: Path  # Ed25519 secret its reports are signed with (public half: + ".pub")
    # The commander's Ed25519 public key: the console checkpoints it witnesses must be signed by it
    console_signer: Path | None = None

    def station_args(self) -> list[str]:
        """`baton station` options pointing at these files."""
        args = [
            "--id",
            self.id,
            "--keys",
            str(self.directory),
            "--console-key",
            str(self.console_public),
            "--trust",
            str(self.trust),
            "--signing-key",
            str(self.signing_key),
        ]
        if self.console_signer is not None:
            args += ["--console-signer", str(self.console_signer)]
        return args


@dataclass(frozen=True)
class PublisherFiles:
    """What one feed publisher (`baton simulate`) needs to be admitted on the feed bus."""

    name: str
    curve_secret: Path
    curve_public: Path
    console_public: Path

    def publisher_args(self) -> list[str]:
        """`baton simulate` options pointing at these files."""
        return [
            "--name",
            self.name,
            "--keys",
            str(self.curve_secret),
            "--console-key",
            str(self.console_public),
        ]


@dataclass(frozen=True)
class Provisioned:
    """Every path a console or station process needs for one scenario, and what was changed."""

    scenario: str
    incident: str
    directory: Path
    root_key: Path
    root_public: Path
    authority_key: Path
    console_signing_key: Path
    commander: str
    console_curve_secret: Path
    console_curve_public: Path
    district_grant: Path
    grant_chain: Path
    chain_ids: tuple[str, ...]
    allow_list: Path
    trust: Path
    stations: tuple[StationFiles, ...]
    feed_allow_list: Path
    simulator: PublisherFiles
    not_before: float
    not_after: float
    changes: tuple[str, ...]
    summary: tuple[str, ...]

    def station(self, station_id: str) -> StationFiles:
        """The files of station `station_id`."""
        for s in self.stations:
            if s.id == station_id:
                return s
        known = ", ".join(s.id for s in self.stations)
        raise ProvisionError(f"no station {station_id!r} in {self.scenario} (known: {known})")

    def describe(self) -> list[str]:
        """Lines for the demo's start-up banner."""
        return list(self.summary)


def default_data_dir() -> Path:
    """Where `baton demo` keeps keys and grants unless `--data-dir` says otherwise."""
    return Path(platformdirs.user_data_dir("baton"))


# -- files ----------------------------------------------------------------------------------


def _install(path: Path, write: Callable[[Path], None]) -> bool:
    """Write `path` through `write(tmp)` + rename, only when the content changes; True if it did.

    `write` must create its file (the authority writers refuse to overwrite), so a stale
    temporary file is removed first.
    """
    tmp = path.with_name(f".{path.name}.new")
    tmp.unlink(missing_ok=True)
    write(tmp)
    if path.is_file() and path.read_bytes() == tmp.read_bytes():
        tmp.unlink()
        return False
    os.replace(tmp, path)
    return True


def _write_bytes(data: bytes, mode: int = 0o644) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)

    return write


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class _Run:
    """One provisioning run: the scenario folder and the list of what it changed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.changes: list[str] = []

    def fail(self, err: BatonError) -> ProvisionError:
        return ProvisionError(f"{err} (or delete {self.directory} to provision afresh)")

    def signer(self, folder: Path, name: str) -> Signer:
        """Load `folder/name.sign`, creating the pair when missing; repairs the public file."""
        secret = folder / f"{name}.sign"
        public = folder / f"{name}.sign.pub"
        if not secret.exists():
            public.unlink(missing_ok=True)
            create_signing_keypair(folder, name)
            self.changes.append(f"new signing key {name}")
        try:
            signer = load_signer(secret)
        except KeyFileError as err:
            raise self.fail(err) from None
        if _install(public, _write_bytes((signer.public_hex + "\n").encode())):
            self.changes.append(f"rewrote {public.name}")
        return signer

    def curve(self, folder: Path, name: str) -> CurveKeys:
        """Load `folder/name.key_secret`, creating the pair when missing or mismatched."""
        secret = folder / f"{name}.key_secret"
        public = folder / f"{name}.key"
        if secret.exists():
            try:
                keys = load_curve_keys(secret)
            except KeyFileError as err:
                raise self.fail(err) from None
            try:
                if load_curve_public(public) == keys.public:
                    return keys
            except KeyFileError:
                pass
            secret.unlink()  # the public half is lost or wrong: make a fresh pair
        public.unlink(missing_ok=True)
        create_curve_keypair(folder, name)
        self.changes.append(f"new transport key {name}")
        return load_curve_keys(secret)

    def install(self, path: Path, write: Callable[[Path], None], what: str) -> None:
        """Write a derived file when its content changed, noting it."""
        if _install(path, write):
            self.changes.append(what)


# -- allow-list -----------------------------------------------------------------------------


def write_allow_list(
    path: Path, keys: Mapping[str, bytes], signing: Mapping[str, str] | None = None
) -> None:
    """Write a console allow-list: YAML `stations: {station id: {curve: Z85 CURVE public key,
    sign: hex Ed25519 report-signing key}}` (a bare Z85 key when `signing` lacks the station)."""
    signing = signing or {}
    body = {
        "stations": {
            sid: {"curve": key.decode("ascii"), "sign": signing[sid]}
            if sid in signing
            else key.decode("ascii")
            for sid, key in sorted(keys.items())
        }
    }
    text = "# Stations this console admits: CURVE transport key (Z85), report-signing key (hex)\n"
    _write_bytes((text + yaml.safe_dump(body, sort_keys=True)).encode())(path)


def _allow_entries(path: Path) -> dict[str, object]:
    data = load_yaml_file(
        path, what="allow-list", max_bytes=MAX_DOCUMENT_BYTES, error=ProvisionError
    )
    stations = data.get("stations") if isinstance(data, dict) else None
    if not isinstance(stations, dict) or not stations:
        raise ProvisionError(f"{path}: expected 'stations:' mapping station id to public key")
    return {str(sid): entry for sid, entry in stations.items()}


def load_report_keys(path: Path) -> dict[str, str]:
    """Read an allow-list's report-signing keys: station id → Ed25519 public key (hex). A
    station listed with its CURVE key only has none (its reports are refused)."""
    keys: dict[str, str] = {}
    for sid, entry in _allow_entries(path).items():
        if isinstance(entry, dict) and entry.get("sign") is not None:
            try:
                keys[sid] = check_key_hex(str(entry["sign"]), f"{path}: station {sid!r}")
            except KeyFileError as err:
                raise ProvisionError(str(err)) from None
    return keys


def load_allow_list(path: Path) -> dict[bytes, str]:
    """Read an allow-list: Z85 public key → station id (what the console's ZAP handler takes)."""
    entries = {
        sid: entry.get("curve") if isinstance(entry, dict) else entry
        for sid, entry in _allow_entries(path).items()
    }
    return _curve_key_map(path, entries, "station")


def write_feed_allow_list(path: Path, keys: Mapping[str, bytes]) -> None:
    """Write the console's feed allow-list (YAML `publishers: {name: Z85 CURVE public key}`)."""
    body = {"publishers": {name: key.decode("ascii") for name, key in sorted(keys.items())}}
    text = "# CURVE public keys (Z85) of the feed publishers this console admits\n"
    _write_bytes((text + yaml.safe_dump(body, sort_keys=True)).encode())(path)


def load_feed_allow_list(path: Path) -> dict[bytes, str]:
    """Read a feed allow-list: Z85 public key → publisher name (the feed bus's ZAP domain)."""
    data = load_yaml_file(
        path, what="feed allow-list", max_bytes=MAX_DOCUMENT_BYTES, error=ProvisionError
    )
    publishers = data.get("publishers") if isinstance(data, dict) else None
    if not isinstance(publishers, dict):
        raise ProvisionError(f"{path}: expected 'publishers:' mapping a name to a public key")
    return _curve_key_map(path, publishers, "publisher")


def _curve_key_map(path: Path, keys: Mapping[Any, Any], what: str) -> dict[bytes, str]:
    """Name → Z85 CURVE public key, checked, as key → name; two names may not share a key."""
    allowed: dict[bytes, str] = {}
    for name, key in keys.items():
        raw = str(key).encode("ascii", "replace")
        try:
            ok = len(raw) == 40 and len(z85.decode(raw)) == 32
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            raise ProvisionError(f"{path}: {what} {name!r}: not a Z85 CURVE public key")
        if raw in allowed:
            raise ProvisionError(f"{path}: {what}s {allowed[raw]!r} and {name!r} share one key")
        allowed[raw] = str(name)
    return allowed


# -- grants ---------------------------------------------------------------------------------


def _grants(
    run: _Run, folder: Path, scenario: Scenario, parties: Parties, now: float
) -> list[Grant]:
    path = folder / "commander.grant"
    try:
        chain = load_chain(path) if path.exists() else []
    except AuthorityError:
        chain = []
    if not chain_fits(chain, parties, scenario, now):
        chain = issue_chain(scenario, parties, now)
        run.install(path, lambda tmp: save_chain(tmp, chain), "new grants")
    run.install(folder / "district.grant", lambda tmp: save_chain(tmp, chain[:1]), "district grant")
    return chain


# -- the whole thing ------------------------------------------------------------------------


def provision(
    scenario: Scenario, data_dir: Path, *, now_scenario: float, authorities: Path | None = None
) -> Provisioned:
    """Create or reuse everything a demo run of `scenario` needs under `data_dir/<name>/`.

    `authorities` (default `data_dir/<name>/authorities`) holds the city root's and the
    district's signing keys: sites provisioned with one folder answer to one district centre."""
    check_names(scenario)
    base = _private_dir(Path(data_dir) / scenario.name)
    run = _Run(base)
    d = scenario.delegation
    auth_dir = _private_dir(authorities or base / "authorities")
    console_dir = _private_dir(base / "console")
    grants_dir = _private_dir(base / "grants")
    parties = Parties(
        run.signer(auth_dir, ROOT_AUTHORITY),
        run.signer(auth_dir, d.authority),
        run.signer(console_dir, d.commander),
    )
    console_keys = run.curve(console_dir, CONSOLE_CURVE_NAME)
    console_public = console_dir / f"{CONSOLE_CURVE_NAME}.key"
    roots = [TrustedRoot(ROOT_AUTHORITY, parties.root.public_hex)]
    trust = base / "trust.yaml"
    run.install(trust, lambda tmp: write_trust(tmp, roots), "trust file")

    stations: list[StationFiles] = []
    allowed: dict[str, bytes] = {}
    signing: dict[str, str] = {}
    for st in scenario.incident.stations:
        folder = _private_dir(_private_dir(base / "stations") / st.id)
        allowed[st.id] = run.curve(folder, st.id).public
        signing[st.id] = run.signer(folder, st.id).public_hex
        files = StationFiles(
            id=st.id,
            directory=folder,
            curve_secret=folder / f"{st.id}.key_secret",
            curve_public=folder / f"{st.id}.key",
            console_public=folder / f"{CONSOLE_CURVE_NAME}.key",
            trust=folder / "trust.yaml",
            signing_key=folder / f"{st.id}.sign",
            console_signer=folder / "console.sign.pub",
        )
        commander_hex = parties.commander.public_hex
        run.install(
            folder / "console.sign.pub",
            _write_bytes(f"{commander_hex}\n".encode()),
            f"commander's public key for {st.id}",
        )
        run.install(
            files.console_public,
            _write_bytes(console_public.read_bytes()),
            f"console key for {st.id}",
        )
        run.install(files.trust, lambda tmp: write_trust(tmp, roots), f"trust file for {st.id}")
        stations.append(files)
    allow = console_dir / "allow.yaml"
    run.install(allow, lambda tmp: write_allow_list(tmp, allowed, signing), "allow-list")

    sim_dir = _private_dir(base / SIMULATOR_NAME)
    publisher = PublisherFiles(
        name=SIMULATOR_NAME,
        curve_secret=sim_dir / f"{SIMULATOR_NAME}.key_secret",
        curve_public=sim_dir / f"{SIMULATOR_NAME}.key",
        console_public=sim_dir / f"{CONSOLE_CURVE_NAME}.key",
    )
    publishers = {SIMULATOR_NAME: run.curve(sim_dir, SIMULATOR_NAME).public}
    run.install(
        publisher.console_public,
        _write_bytes(console_public.read_bytes()),
        "console key for the simulator",
    )
    feeds_allow = console_dir / "feeds.yaml"
    run.install(feeds_allow, lambda tmp: write_feed_allow_list(tmp, publishers), "feed allow-list")

    chain = _grants(run, grants_dir, scenario, parties, now_scenario)
    return Provisioned(
        scenario=scenario.name,
        incident=scenario.incident.id,
        directory=base,
        root_key=auth_dir / f"{ROOT_AUTHORITY}.sign",
        root_public=auth_dir / f"{ROOT_AUTHORITY}.sign.pub",
        authority_key=auth_dir / f"{d.authority}.sign",
        console_signing_key=console_dir / f"{d.commander}.sign",
        commander=d.commander,
        console_curve_secret=console_dir / f"{CONSOLE_CURVE_NAME}.key_secret",
        console_curve_public=console_public,
        district_grant=grants_dir / "district.grant",
        grant_chain=grants_dir / "commander.grant",
        chain_ids=tuple(g.id for g in chain),
        allow_list=allow,
        trust=trust,
        stations=tuple(stations),
        feed_allow_list=feeds_allow,
        simulator=publisher,
        not_before=chain[-1].not_before,
        not_after=chain[-1].not_after,
        changes=tuple(run.changes),
        summary=tuple(_summary(scenario, base, chain, parties, console_keys, run.changes)),
    )


def _when(ts: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _listing(names: Iterable[str]) -> str:
    items = list(names)
    return f"{len(items)} ({', '.join(items)})"


def _summary(
    scenario: Scenario,
    base: Path,
    chain: list[Grant],
    parties: Parties,
    console: CurveKeys,
    changes: list[str],
) -> list[str]:
    d = scenario.delegation
    leaf = chain[-1]
    tz = ZoneInfo(scenario.incident.timezone)
    keys = sum(1 for c in changes if c.startswith(("new signing key", "new transport key")))
    grants = "new grants" in changes
    other = len(changes) - keys - grants
    parts = [f"{keys} new key(s)"] * bool(keys) + ["new grants"] * grants
    parts += [f"{other} file(s) written"] * bool(other)
    done = ", ".join(parts) or "reused as they are"
    authority = f"{d.authority_name} ({d.authority})" if d.authority_name else d.authority
    commander = f"{d.commander_name} ({d.commander})" if d.commander_name else d.commander
    position = f", {d.position}" if d.position else ""
    return [
        f"Keys and grants: {base} ({done})",
        f"Delegation: {ROOT_AUTHORITY_NAME} ({ROOT_AUTHORITY}) → {authority} → "
        f"{commander}{position}",
        f"  stations {_listing(leaf.scope.stations)}; {len(leaf.scope.order_kinds)} order "
        f"kinds; zones {_listing(leaf.scope.zones)}",
        f"  valid {_when(leaf.not_before, tz)} – {_when(leaf.not_after, tz)} "
        f"{scenario.incident.timezone} (scenario time); may redelegate "
        f"{leaf.redelegate_depth} more level(s); grant {leaf.id}",
        f"Stations trust {ROOT_AUTHORITY} [{fingerprint(parties.root.public_hex)}]; "
        f"commander key [{fingerprint(parties.commander.public_hex)}]; console transport key "
        f"{console.public[:8].decode('ascii')}…",
    ]


# -- the operations centre ------------------------------------------------------------------

UPLINK_CURVE_NAME = "uplink"
CENTRE_CURVE_NAME = "centre"


@dataclass(frozen=True)
class UplinkFiles:
    """What a site console needs to connect up to its centre (`baton console --centre`)."""

    site: str
    curve_secret: Path  # this site's uplink CURVE pair (its public half is on the centre's list)
    curve_public: Path
    centre_public: Path  # the centre's CURVE public key

    def console_args(self, address: str) -> list[str]:
        """`baton console` options that connect up to the centre at `address`."""
        return [
            "--centre",
            address,
            "--centre-key",
            str(self.centre_public),
            "--uplink-key",
            str(self.curve_secret),
            "--site",
            self.site,
        ]


@dataclass(frozen=True)
class CentreFiles:
    """What an operations centre needs (`baton centre`): the authority key it signs with, its
    own grant chain (none for the city root), its CURVE pair and the sites it admits."""

    name: str
    directory: Path
    signing_key: Path
    chain: Path | None
    curve_secret: Path
    curve_public: Path
    allow_list: Path  # sites.yaml: `sites: {site name: Z85 uplink public key}`


def uplink_keys(provisioned: Provisioned) -> Path:
    """Create or reuse a site's uplink CURVE pair (`<scenario>/uplink/uplink.key`); returns its
    public key file (what the centre's allow-list names)."""
    run = _Run(provisioned.directory)
    folder = _private_dir(provisioned.directory / UPLINK_CURVE_NAME)
    run.curve(folder, UPLINK_CURVE_NAME)
    return folder / f"{UPLINK_CURVE_NAME}.key"


def write_site_allow_list(path: Path, keys: Mapping[str, bytes]) -> None:
    """Write a centre's site allow-list (YAML `sites: {site name: Z85 CURVE public key}`)."""
    body = {"sites": {name: key.decode("ascii") for name, key in sorted(keys.items())}}
    text = "# Site consoles this centre admits: their uplink CURVE public keys (Z85)\n"
    _write_bytes((text + yaml.safe_dump(body, sort_keys=True)).encode())(path)


def load_site_allow_list(path: Path) -> dict[bytes, str]:
    """Read a centre's site allow-list: Z85 public key → site name (its ZAP handler's table)."""
    data = load_yaml_file(
        path, what="site allow-list", max_bytes=MAX_DOCUMENT_BYTES, error=ProvisionError
    )
    sites = data.get("sites") if isinstance(data, dict) else None
    if not isinstance(sites, dict) or not sites:
        raise ProvisionError(f"{path}: expected 'sites:' mapping a site name to a public key")
    return _curve_key_map(path, sites, "site")


def provision_centre(
    directory: Path,
    name: str,
    *,
    signing_key: Path,
    chain: Path | None,
    sites: Mapping[str, Provisioned],
) -> tuple[CentreFiles, dict[str, UplinkFiles]]:
    """Create or reuse a centre under `directory/<name>/`: its CURVE pair and the allow-list of
    `sites` (site name → the site's provisioned run, whose uplink pair is made when missing);
    each site gets a copy of the centre's public key. `signing_key` and `chain` are the
    authority's key and grant the centre acts under (a district: `authority_key` and
    `district_grant` of a run; the city root: `root_key` and no chain)."""
    try:
        check_name(name)
        for site in sites:
            check_name(site)
    except KeyFileError as err:
        raise ProvisionError(f"centre {name}: {err}") from None
    base = _private_dir(Path(directory) / name)
    run = _Run(base)
    run.curve(base, CENTRE_CURVE_NAME)
    centre_public = base / f"{CENTRE_CURVE_NAME}.key"
    allowed: dict[str, bytes] = {}
    uplinks: dict[str, UplinkFiles] = {}
    for site, provisioned in sites.items():
        public = uplink_keys(provisioned)
        allowed[site] = load_curve_public(public)
        folder = public.parent
        copy = folder / f"{CENTRE_CURVE_NAME}.key"
        run.install(copy, _write_bytes(centre_public.read_bytes()), f"centre key for {site}")
        uplinks[site] = UplinkFiles(site, folder / f"{UPLINK_CURVE_NAME}.key_secret", public, copy)
    allow = base / "sites.yaml"
    run.install(allow, lambda tmp: write_site_allow_list(tmp, allowed), "site allow-list")
    files = CentreFiles(
        name=name,
        directory=base,
        signing_key=signing_key,
        chain=chain,
        curve_secret=base / f"{CENTRE_CURVE_NAME}.key_secret",
        curve_public=centre_public,
        allow_list=allow,
    )
    return files, uplinks
