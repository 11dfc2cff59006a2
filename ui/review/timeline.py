"""The replay timeline: play/pause, speed, a scrubbing slider with event markers, the time at T.

The bar owns the replay time T. It emits `time_changed(T)` when the user scrubs or while playing;
the window answers by seeking its panels. Time advances by wall time × speed, measured with a
monotonic timer, so a slow frame never makes the replay drift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QElapsedTimer, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from command.review.timefmt import local_time
from command.vocabulary import Kind
from ui import theme
from ui.labels import plain_label, plain_tip

SPEEDS = (1, 10, 30, 60, 120, 300, 600)
MARKER_KINDS = ("decision", "order", "escalation")
FRAME_MS = 100


def marker_kind(event_kind: str) -> str | None:
    """The marker shown for a journal event kind (decisions, orders issued, escalations)."""
    if event_kind in (Kind.DECISION_ADDED, Kind.DECISION_CORRECTED):
        return "decision"
    if event_kind == Kind.ORDER_ISSUED:
        return "order"
    if event_kind == Kind.ESCALATION_RAISED:
        return "escalation"
    return None


class MarkerSlider(QSlider):
    """A slider in seconds from the start, with ticks for orders, decisions and escalations."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setObjectName("timelineSlider")
        self.markers: list[tuple[int, str]] = []
        self.setMinimumHeight(34)
        theme.notifier().theme_changed.connect(self.update)

    def set_markers(self, markers: Iterable[tuple[int, str]]) -> None:
        """Ticks at these (second, kind) positions."""
        self.markers = list(markers)
        self.update()

    def marker_colour(self, kind: str) -> QColor:
        """The colour of one kind of marker in the current theme."""
        th = theme.current()
        return QColor({"decision": th.risk[1], "order": th.risk[0], "escalation": th.risk[4]}[kind])

    def paintEvent(self, event: QPaintEvent) -> None:
        """The slider, then the markers along its groove."""
        super().paintEvent(event)
        if not self.markers or self.maximum() <= self.minimum():
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
        )
        x0 = groove.left() + handle.width() // 2
        width = max(1, groove.width() - handle.width())
        span = self.maximum() - self.minimum()
        painter = QPainter(self)
        rows = {"order": 0, "decision": 1, "escalation": 2}
        for pos, kind in self.markers:
            x = x0 + round((pos - self.minimum()) / span * width)
            pen = QPen(self.marker_colour(kind))
            pen.setWidth(2)
            painter.setPen(pen)
            y = 1 + rows[kind] * 4
            painter.drawLine(x, y, x, y + 3)
        painter.end()


class TimelineBar(QWidget):
    """Play/pause, speed (1× to 600×), the slider over the journal's span and the time at T."""

    time_changed = Signal(float)

    def __init__(
        self,
        start: float,
        end: float,
        *,
        timezone: ZoneInfo,
        markers: Iterable[tuple[float, str]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("timelineBar")
        self.start = start
        self.end = max(end, start + 1.0)
        self.tz = timezone
        self.t = start
        self.speed = 60.0
        self.wall: Callable[[], float] = self._elapsed_s
        self._elapsed = QElapsedTimer()
        self._last_wall = 0.0
        self.play_button = QPushButton()
        self.play_button.setObjectName("playButton")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._play_toggled)
        self.speed_box = QComboBox()
        self.speed_box.setObjectName("speedBox")
        for s in SPEEDS:
            self.speed_box.addItem(f"{s}×", float(s))
        self.speed_box.setCurrentIndex(SPEEDS.index(60))
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        self.slider = MarkerSlider()
        self.slider.setRange(0, round(self.end - self.start))
        self.slider.setSingleStep(10)
        self.slider.setPageStep(300)
        self.slider.set_markers(
            (round(ts - start), kind) for ts, kind in markers if kind in MARKER_KINDS
        )
        self.slider.valueChanged.connect(self._slider_moved)
        self.time_label = plain_label()
        self.time_label.setObjectName("timelineTime")
        font = self.time_label.font()
        font.setBold(True)
        self.time_label.setFont(font)
        self.elapsed_label = plain_label()
        self.elapsed_label.setObjectName("timelineElapsed")
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._frame)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.play_button)
        layout.addWidget(self.speed_box)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)
        layout.addWidget(self.elapsed_label)
        self.retranslate()
        self._show_time()

    def sizeHint(self) -> QSize:
        """One row, wide."""
        return QSize(900, 44)

    # ---- time
    def _elapsed_s(self) -> float:
        return self._elapsed.elapsed() / 1000.0 if self._elapsed.isValid() else 0.0

    def seek(self, t: float) -> None:
        """Move T (clamped to the journal's span) and emit `time_changed`."""
        self.t = min(self.end, max(self.start, t))
        self.slider.blockSignals(True)
        self.slider.setValue(round(self.t - self.start))
        self.slider.blockSignals(False)
        self._show_time()
        self.time_changed.emit(self.t)

    def _slider_moved(self, value: int) -> None:
        self.seek(self.start + value)

    def playing(self) -> bool:
        """True while the replay runs."""
        return self.timer.isActive()

    def play(self) -> None:
        """Start advancing T (from the start again when at the end)."""
        self.play_button.setChecked(True)

    def pause(self) -> None:
        """Stop advancing T."""
        self.play_button.setChecked(False)

    def set_speed(self, speed: float) -> None:
        """Scenario seconds per wall second (one of SPEEDS)."""
        self.speed_box.setCurrentIndex(SPEEDS.index(int(speed)))

    def _speed_changed(self) -> None:
        self.speed = float(self.speed_box.currentData())

    def _play_toggled(self, on: bool) -> None:
        if on:
            if self.t >= self.end:
                self.seek(self.start)
            self._elapsed.start()
            self._last_wall = self.wall()
            self.timer.start()
        else:
            self.timer.stop()
        self.retranslate()

    def _frame(self) -> None:
        now = self.wall()
        step = (now - self._last_wall) * self.speed
        self._last_wall = now
        self.seek(self.t + step)
        if self.t >= self.end:
            self.pause()

    # ---- text
    def _show_time(self) -> None:
        self.time_label.setText(local_time(self.t, self.tz))
        s = int(self.t - self.start)
        total = int(self.end - self.start)
        self.elapsed_label.setText(
            f"+{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d} / "
            f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
        )

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        self.play_button.setText(self.tr("Pause") if self.playing() else self.tr("Play"))
        self.play_button.setToolTip(plain_tip(self.tr("Play or pause the replay (Space)")))
        self.speed_box.setToolTip(plain_tip(self.tr("Replay speed: incident seconds per second")))
        self.slider.setToolTip(
            plain_tip(
                self.tr(
                    "Drag to any time. Ticks: orders (top row), decisions, escalations (bottom row)"
                )
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
