"""Qt adapters: incremental inserts/changes (never resets), overdue colouring, filtering."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from command.fold import IncidentState
from command.lifecycle import OrderState
from tests.ui.console.fake_events import EventMaker
from ui import i18n, theme
from ui.console.qtmodels import (
    OVERDUE_ROLE,
    DecisionsTableModel,
    OrdersFilterProxy,
    OrdersTableModel,
    StationsTableModel,
    SuggestionsTableModel,
)
from ui.labels import tip_text

from .conftest import T0, decision, order

FAIL = QAbstractItemModelTester.FailureReportingMode.Fatal


class Spy:
    """Counts rowsInserted / dataChanged / modelReset of a model."""

    def __init__(self, model: OrdersTableModel) -> None:
        self.inserted: list[tuple[int, int]] = []
        self.changed: list[int] = []
        self.resets = 0
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.dataChanged.connect(lambda tl, br, _r=None: self.changed.append(tl.row()))
        model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1


def test_orders_model_inserts_and_updates_incrementally(mk: EventMaker) -> None:
    now = [T0]
    state = IncidentState()
    model = OrdersTableModel(state.orders, lambda: now[0])
    tester = QAbstractItemModelTester(model, FAIL)
    spy = Spy(model)
    state.apply(mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "a"}, ts=T0))
    state.apply(mk.ev("order.issued", {"order": order("O2").to_dict(), "msg_id": "b"}, ts=T0))
    state.apply(mk.ev("order.deliver", {"order_id": "O2", "state": "delivered"}, ts=T0 + 1))
    assert spy.inserted == [(0, 0), (1, 1)]
    assert spy.changed == [1]
    assert spy.resets == 0
    assert model.rowCount() == 2
    assert model.index(1, 4).data() == "delivered"
    del tester


def test_overdue_rows_are_coloured_and_refresh_on_tick(mk: EventMaker) -> None:
    now = [T0 + 10]
    state = IncidentState()
    model = OrdersTableModel(state.orders, lambda: now[0])
    state.apply(mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "a"}, ts=T0))
    idx = model.index(0, 1)
    assert idx.data(Qt.ItemDataRole.BackgroundRole) is None
    assert idx.data(OVERDUE_ROLE) is False
    spy = Spy(model)
    now[0] = T0 + 3600
    model.tick()
    assert spy.changed == [0] and spy.resets == 0
    brush = idx.data(Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == QColor(theme.current().overdue_bg)
    assert model.index(0, 7).data() == "⚠"
    assert model.index(0, 6).data() == "1h00m"


def test_orders_proxy_filters_by_text_and_state(mk: EventMaker) -> None:
    state = IncidentState()
    model = OrdersTableModel(state.orders, lambda: T0)
    proxy = OrdersFilterProxy()
    proxy.setSourceModel(model)
    QAbstractItemModelTester(proxy, FAIL)
    state.apply(
        mk.ev("order.issued", {"order": order("O1", "police").to_dict(), "msg_id": "a"}, ts=T0)
    )
    state.apply(
        mk.ev("order.issued", {"order": order("O2", "metro").to_dict(), "msg_id": "b"}, ts=T0)
    )
    state.apply(mk.ev("order.cancel", {"order_id": "O2", "state": "cancelled"}, ts=T0 + 1))
    assert proxy.rowCount() == 2
    proxy.set_text("metro")
    assert proxy.rowCount() == 1
    assert proxy.index(0, 1).data() == "metro"
    proxy.set_text("")
    proxy.set_states(frozenset({OrderState.ISSUED}))
    assert proxy.rowCount() == 1 and proxy.index(0, 1).data() == "police"
    proxy.set_states(None)
    proxy.set_open_only(True)
    assert proxy.rowCount() == 1
    # new rows that match appear without a reset
    state.apply(
        mk.ev("order.issued", {"order": order("O3", "metro").to_dict(), "msg_id": "c"}, ts=T0)
    )
    assert proxy.rowCount() == 2


def test_decisions_model_strikes_corrected_entries(mk: EventMaker) -> None:
    state = IncidentState()
    model = DecisionsTableModel(state.decisions, lambda: T0)
    QAbstractItemModelTester(model, FAIL)
    spy = Spy(model)  # type: ignore[arg-type]
    state.apply(mk.ev("decision.added", {"decision": decision("D1").to_dict()}, ts=T0))
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole) is None
    fixed = decision("D2", ts=T0 + 5, text="other road")
    state.apply(
        mk.ev(
            "decision.corrected",
            {"decision": fixed.to_dict(), "corrects": "D1", "reason": "wrong road"},
            ts=T0 + 5,
        )
    )
    assert spy.inserted == [(0, 0), (1, 1)] and spy.changed == [0] and spy.resets == 0
    font = model.index(0, 1).data(Qt.ItemDataRole.FontRole)
    assert font.strikeOut()
    assert model.index(0, 4).data() == "wrong road"
    assert model.index(1, 1).data(Qt.ItemDataRole.FontRole) is None
    tip = tip_text(model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole))
    assert "Decision: Close the road" in tip and "Rationale: crowd at exit" in tip
    assert tip.endswith("Struck through: wrong road")


def test_stations_and_suggestions_models_pass_the_tester(mk: EventMaker) -> None:
    state = IncidentState()
    stations = StationsTableModel(state.stations, lambda: T0 + 500)
    suggestions = SuggestionsTableModel(state.suggestions, lambda: T0)
    QAbstractItemModelTester(stations, FAIL)
    QAbstractItemModelTester(suggestions, FAIL)
    state.apply(mk.ev("station.online", {"station": "police"}, ts=T0))
    state.apply(mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "a"}, ts=T0))
    state.apply(
        mk.ev(
            "suggestion.proposed",
            {
                "suggestion_id": "S1",
                "playbook": "p",
                "reason": "r",
                "orders": [{"station": "police", "kind": "close_road"}],
            },
            ts=T0,
        )
    )
    assert stations.index(0, 1).data() == "online"
    assert stations.index(0, 3).data() == "1"
    assert stations.index(0, 4).data() == "1"  # late: unaccepted after 500 s
    assert suggestions.index(0, 3).data() == "police:close_road"
    assert suggestions.index(0, 4).data() == "proposed"
    assert QCoreApplication.translate("ConsoleColumns", "Station") == "Station"


def test_a_replay_says_its_last_contact_is_the_journals(mk: EventMaker, qapp: QApplication) -> None:
    state = IncidentState()
    state.apply(mk.ev("station.online", {"station": "police"}, ts=T0))
    live = StationsTableModel(state.stations, lambda: T0 + 60)
    replay = StationsTableModel(state.stations, lambda: T0 + 60, journal_only=True)
    title = Qt.Orientation.Horizontal
    assert live.headerData(2, title) == "Last heard"
    assert tip_text(live.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)) == live.index(0, 2).data()
    assert replay.headerData(2, title) == "Last contact (journal)"
    tip = tip_text(replay.index(0, 2).data(Qt.ItemDataRole.ToolTipRole))
    assert "heartbeats are not journaled" in tip
    i18n.set_language(qapp, "zh_CN")
    zh_title = replay.headerData(2, title)
    zh_tip = tip_text(replay.index(0, 2).data(Qt.ItemDataRole.ToolTipRole))
    assert "日志" in zh_title and zh_title != live.headerData(2, title)
    assert "心跳" in zh_tip


def test_a_suggestions_orders_read_as_station_and_kind_names(
    mk: EventMaker, qapp: QApplication
) -> None:
    """The Orders column of the suggestions dock read 'security:hold_entry, lighting:dim_show'
    (ids) in either language; with the scenario's names it reads as words."""
    from command.scenarios.loader import load_scenario

    state = IncidentState()
    suggestions = SuggestionsTableModel(state.suggestions, lambda: T0)
    proposed = [
        {"station": "security", "kind": "hold_entry"},
        {"station": "lighting", "kind": "dim_show"},
    ]
    body = {"suggestion_id": "S1", "playbook": "p", "reason": "r", "orders": proposed}
    state.apply(mk.ev("suggestion.proposed", body, ts=T0))
    i18n.use_scenario_names(load_scenario("bund"))
    try:
        assert suggestions.index(0, 3).data() == (
            "On-site security (Waitan police station): Hold entry at the zone's gates, "
            "Bund lighting control: Dim the light show"
        )
        i18n.set_language(qapp, "zh_CN")
        assert suggestions.index(0, 3).data() == (
            "现场安保（外滩派出所）：区域入口暂停放行；外滩灯光控制室：调暗灯光秀"
        )
    finally:
        i18n.set_language(qapp, "en")
        i18n.set_names_zh({})
