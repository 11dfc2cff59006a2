"""The console's public-alert command: the composed alert in, its CAP identifier out.

The handler validates the alert as CAP 1.2 and journals it with its decision entry
(`command.public_alerts.issue_public_alert`) in the engine thread; an invalid alert fails the
command with the CAP rule it breaks, and nothing is journaled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from command.cap.export import PublicAlert
from command.public_alerts import DecisionWriter, issue_public_alert
from protocols.commands import Command


@dataclass(frozen=True, slots=True)
class IssuePublicAlert(Command[str]):
    """Issue `alert` (an Alert, or an Update/Cancel whose `references` name the earlier one),
    journaled as a decision with `rationale`; returns the alert's CAP identifier."""

    alert: PublicAlert
    rationale: str


def public_alert_handler(post: DecisionWriter) -> Callable[[IssuePublicAlert], str]:
    """The `IssuePublicAlert` handler for a console node's `Handlers` table."""

    def issue(cmd: IssuePublicAlert) -> str:
        return issue_public_alert(post, cmd.alert, cmd.rationale).alert.identifier

    return issue
