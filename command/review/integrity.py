"""The report's integrity section: what the fold's `IntegrityModel` says of a journal (signed up to
which seq, checkpoints and their policy, witnesses and their seqs, the unsigned tail, refusals with
their evidence) beside `baton verify`'s verdict line, and its HTML."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from command.fold import IncidentState


@dataclass(frozen=True, slots=True)
class Refusal:
    """One `witness.refused` as the report lists it."""

    time: str
    witness: str
    checkpoint: int
    reason: str
    evidence: str
    acknowledged: str  # "" while open, else who acknowledged it


@dataclass(frozen=True, slots=True)
class IntegritySection:
    """Everything the report's integrity section shows."""

    verdict: str
    verdict_ok: bool
    signed_to: int
    checkpoints: int
    policy: str
    unsigned_tail: int
    closed: bool
    last_checkpoint: str
    witnesses: list[tuple[str, int, str, int]] = field(default_factory=list)  # name, seq, time, n
    cosigned_for: list[tuple[str, int, str]] = field(default_factory=list)  # origin, seq, time
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Verify found it intact and no witness refused a checkpoint."""
        return self.verdict_ok and not self.refusals

    def facts(self) -> list[tuple[str, str]]:
        """The section's table, as (what, value) rows."""
        return [
            ("Verify", self.verdict),
            ("Signed up to seq", f"{self.signed_to} ({self.checkpoints} checkpoints)"),
            ("Last checkpoint", self.last_checkpoint),
            ("Checkpoint policy", self.policy),
            ("Unsigned tail", f"{self.unsigned_tail} events"),
            ("Closed with a checkpoint", "yes" if self.closed else "no"),
            ("Refusals by witnesses", str(len(self.refusals))),
        ]


def integrity_section(
    state: IncidentState, verdict: str, verdict_ok: bool, when: Callable[[float | None], str]
) -> IntegritySection:
    """The section for the fold `state`, with verify's `verdict` line; `when` formats times."""
    m = state.integrity
    names = state.info.stations
    last = m.last
    policy = (
        f"every {last.every_events} events / {last.every_s:g} s"
        if last is not None and last.origin
        else "—"
    )
    return IntegritySection(
        verdict=verdict,
        verdict_ok=verdict_ok,
        signed_to=m.signed_to,
        checkpoints=m.checkpoints,
        policy=policy,
        unsigned_tail=m.tail,
        closed=m.closed,
        last_checkpoint="—"
        if last is None
        else f"seq {last.seq} at {when(last.ts)} ({last.reason or 'legacy'})",
        witnesses=[
            (names.get(w.name, w.name), w.head_seq, when(w.ts), w.count)
            for w in sorted(m.witnesses.values(), key=lambda w: w.name)
        ],
        cosigned_for=[
            (origin, w.head_seq, when(w.ts)) for origin, w in sorted(m.cosigned_for.items())
        ],
        refusals=[
            Refusal(
                when(a.ts),
                names.get(a.witness, a.witness),
                a.offered_seq,
                a.reason,
                a.evidence(),
                "" if a.open else (a.acknowledged_by or "yes"),
            )
            for a in m.alarms
        ],
    )


def render_integrity_html(section: IntegritySection) -> str:
    """The section as HTML (a heading and its tables; classes `ok` / `bad` as the report's)."""
    e = html.escape
    mark = "ok" if section.ok else "bad"
    if section.refusals:
        lead = f"{len(section.refusals)} witness refusal(s) — see below; verify: {section.verdict}"
    else:
        lead = section.verdict
    parts = [
        "<h2>Integrity</h2>",
        f"<p class='{mark}'><b>{'Intact' if section.ok else 'Attention'}:</b> {e(lead)}</p>",
        "<table>",
        *(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in section.facts()),
        "</table>",
    ]
    if section.witnesses:
        parts.append(
            "<table><tr><th>Witness</th><th>Cosigned up to seq</th><th>At</th>"
            "<th>Cosignatures</th></tr>"
        )
        parts += [
            f"<tr><td>{e(n)}</td><td>{seq}</td><td>{e(t)}</td><td>{c}</td></tr>"
            for n, seq, t, c in section.witnesses
        ]
        parts.append("</table>")
    else:
        parts.append("<p>No witness cosigned this journal's checkpoints.</p>")
    if section.cosigned_for:
        parts.append(
            "<table><tr><th>This journal's owner witnessed</th><th>Up to seq</th><th>At</th></tr>"
        )
        parts += [
            f"<tr><td>{e(o)}</td><td>{seq}</td><td>{e(t)}</td></tr>"
            for o, seq, t in section.cosigned_for
        ]
        parts.append("</table>")
    if section.refusals:
        parts.append(
            "<table><tr><th>Time</th><th>Witness</th><th>Refused checkpoint</th><th>Why</th>"
            "<th>Evidence</th><th>Acknowledged</th></tr>"
        )
        parts += [
            f"<tr class='bad'><td>{e(r.time)}</td><td>{e(r.witness)}</td><td>{r.checkpoint}</td>"
            f"<td>{e(r.reason)}</td><td>{e(r.evidence)}</td>"
            f"<td>{e(r.acknowledged or 'not yet')}</td></tr>"
            for r in section.refusals
        ]
        parts.append("</table>")
    return "\n".join(parts)
