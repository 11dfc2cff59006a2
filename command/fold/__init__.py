"""The one fold: journal events → the state every view reads (console, station, replay, review).

`IncidentState.apply(event)` folds one event into every model; the live console and station
windows adapt these models to Qt, replay folds up to a time T (`fold_until`, `Replayer`), and the
review, report, merge and run summaries read the same state. No other module turns events into
state.
"""

from command.fold.alerts import AlertsModel, AlertView
from command.fold.decisions import DecisionsModel, DecisionView
from command.fold.delegation import DelegationModel
from command.fold.escalations import EscalationsModel, EscalationView
from command.fold.incident import Counts, IncidentState, fold, fold_until, journal_times
from command.fold.integrity import CheckpointSeen, IntegrityAlarm, IntegrityModel, WitnessMark
from command.fold.link import LinkStatus
from command.fold.orders import Authority, OrdersModel, OrderView, StepRecord, chain_names
from command.fold.replayer import Replayer
from command.fold.rows import RowListener, RowModel
from command.fold.stations import StationsModel, StationView
from command.fold.suggestions import SuggestionsModel, SuggestionView
from command.fold.zones import MetricSeries, ZoneReading, ZonesModel, ZoneView, zone_reading

__all__ = [
    "AlertView",
    "AlertsModel",
    "Authority",
    "CheckpointSeen",
    "Counts",
    "DecisionView",
    "DecisionsModel",
    "DelegationModel",
    "EscalationView",
    "EscalationsModel",
    "IncidentState",
    "IntegrityAlarm",
    "IntegrityModel",
    "LinkStatus",
    "MetricSeries",
    "OrderView",
    "OrdersModel",
    "Replayer",
    "RowListener",
    "RowModel",
    "StationView",
    "StationsModel",
    "StepRecord",
    "SuggestionView",
    "SuggestionsModel",
    "WitnessMark",
    "ZoneReading",
    "ZoneView",
    "ZonesModel",
    "chain_names",
    "fold",
    "fold_until",
    "journal_times",
    "zone_reading",
]
