"""The console's integrity line under the header: a red alarm while a witness's refusal is open,
else a quiet "Signed to #N · witnessed by 3/3 stations to #M".

It reads the fold's `IntegrityModel` (journaled `checkpoint`, `checkpoint.cosigned`,
`witness.refused` and `attention.acknowledged` events), so the live console and a replay of the
same journal show the same alarm; acknowledging emits `acknowledge_requested("integrity", id)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton

from command.fold import IntegrityAlarm, IntegrityModel
from command.vocabulary import AttentionSubject
from ui import theme
from ui.console.qtmodels import hhmm
from ui.labels import plain_label, plain_tip


class IntegrityBanner(QFrame):
    """Red while any integrity alarm is open (the newest, with Acknowledge), quiet otherwise.

    `witnesses()` gives the stations expected to witness (their ids) and `names` their display
    names; both are read on every refresh."""

    acknowledge_requested = Signal(str, str)  # "integrity", the alarm's id

    def __init__(
        self,
        model: IntegrityModel,
        witnesses: Callable[[], Sequence[str]] | None = None,
        names: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("integrityBanner")
        self.model = model
        self.witnesses = witnesses or (lambda: [])
        self.names = names or (lambda: {})
        self.read_only = False  # replay: the alarm shows, nothing can be acknowledged
        self.label = plain_label()
        self.label.setObjectName("integrityText")
        self.label.setWordWrap(True)
        self.ack = QPushButton()
        self.ack.setObjectName("acknowledgeIntegrity")
        self.ack.clicked.connect(self.acknowledge_newest)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 10, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.ack)
        theme.notifier().theme_changed.connect(self.refresh)
        self.refresh()

    @property
    def alarmed(self) -> bool:
        """True while an alarm is open (the banner is red)."""
        return bool(self.model.open_alarms())

    def acknowledge_newest(self) -> None:
        """Ask to acknowledge the newest open alarm."""
        alarms = self.model.open_alarms()
        if alarms and not self.read_only:
            self.acknowledge_requested.emit(AttentionSubject.INTEGRITY.value, alarms[-1].id)

    def alarm_text(self, alarm: IntegrityAlarm) -> str:
        """ "Integrity: station Police refused checkpoint 120 — fork"."""
        who = alarm.witness or "?"
        names = self.names()
        name = names.get(who, who)
        if not alarm.own:  # this journal's owner refused a peer's checkpoint: the peer forked
            text = self.tr("Integrity: %1 refused checkpoint %2 of %4 — %3")
        elif who in self.witnesses():
            text = self.tr("Integrity: station %1 refused checkpoint %2 — %3")
        else:
            text = self.tr("Integrity: witness %1 refused checkpoint %2 — %3")
        return (
            text.replace("%1", name)
            .replace("%2", str(alarm.offered_seq))
            .replace("%3", alarm.reason)
            .replace("%4", names.get(alarm.signer, alarm.signer))
        )

    def quiet_text(self) -> str:
        """ "Signed to #N · witnessed by 3/3 stations to #M" (or that nothing is signed yet)."""
        m = self.model
        if m.last is None:
            return self.tr("Integrity: journal not signed yet")
        text = self.tr("Signed to #%1").replace("%1", str(m.signed_to))
        expected = list(self.witnesses())
        if expected:
            count, seq = m.witnessed_to(expected)
            text += " · " + (
                self.tr("witnessed by %1/%2 stations to #%3")
                .replace("%1", str(count))
                .replace("%2", str(len(expected)))
                .replace("%3", str(seq))
                if seq is not None
                else self.tr("not witnessed yet")
            )
        elif m.witnesses:
            count, seq = m.witnessed_to()
            text += " · " + (
                self.tr("witnessed by %1 to #%2").replace("%1", str(count)).replace("%2", str(seq))
            )
        return text

    def tooltip(self) -> str:
        """Every witness with its seq and time, the unsigned tail, and every alarm."""
        m = self.model
        lines = [
            self.tr("Signed to #%1 (%2 checkpoints) · unsigned tail %3 events")
            .replace("%1", str(m.signed_to))
            .replace("%2", str(m.checkpoints))
            .replace("%3", str(m.tail))
        ]
        names = self.names()
        lines += [
            self.tr("%1 cosigned #%2 at %3")
            .replace("%1", names.get(w.name, w.name))
            .replace("%2", str(w.head_seq))
            .replace("%3", hhmm(w.ts))
            for w in sorted(m.witnesses.values(), key=lambda w: w.name)
        ]
        lines += [
            f"{hhmm(a.ts)} {a.line()} ({a.evidence()})"
            + ("" if a.open else " — " + self.tr("acknowledged"))
            for a in m.alarms
        ]
        return "\n".join(lines)

    def refresh(self, *_: object) -> None:
        """Red with the newest open alarm, else the quiet line."""
        th = theme.current()
        alarms = self.model.open_alarms()
        self.ack.setText(self.tr("Acknowledge"))
        self.ack.setVisible(bool(alarms) and not self.read_only)
        if alarms:
            more = len(alarms) - 1
            text = self.alarm_text(alarms[-1])
            if more:
                text += " " + self.tr("(+%1 more)").replace("%1", str(more))
            self.label.setText(text)
            self.setStyleSheet(
                f"#integrityBanner {{ background: {th.banner_bg}; }}"
                f"#integrityText {{ color: {th.banner_text}; font-weight: bold; }}"
            )
        else:
            self.label.setText(self.quiet_text())
            self.setStyleSheet(f"#integrityText {{ color: {th.muted}; }}")
        self.setToolTip(plain_tip(self.tooltip()))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)
