"""What a received CAP alert means for the incident: whether it may trigger playbooks, and which
earlier alerts an Update or Cancel acts on.

- Only `status` Actual acts: an Exercise, Test, Draft or System alert is shown, marked, and
  never triggers playbooks (nor cancels or updates anything).
- `msgType` Alert and Update may trigger playbooks; Cancel, Ack and Error never do.
- An Update or Cancel names the earlier alert(s) in `references` (`sender,identifier,sent`
  triples). An Update continues the earlier alert's thread: a playbook that already fired for any
  alert of the thread (its suggestion open, approved, edited or dismissed) does not fire again.
  A Cancel withdraws the thread's open suggestions, each with a journaled reason.

This module reads the `cap` mapping of a signal's body only; it needs no XML library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from command.cap.model import Reference
from command.model import Signal

ACTUAL = "Actual"
CANCELLED_BY = "cap-cancel"
"""Who a suggestion withdrawn by a CAP Cancel is journaled as dismissed by."""


def cap_of(signal: Signal | Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The CAP fields of a signal (or of its journaled dict), or None for a non-CAP signal."""
    body = signal.body if isinstance(signal, Signal) else signal.get("body")
    cap = body.get("cap") if isinstance(body, Mapping) else None
    return cap if isinstance(cap, Mapping) and cap else None


def status_of(signal: Signal | Mapping[str, Any]) -> str:
    """The CAP status (Actual for a signal that is not a CAP alert or does not say)."""
    cap = cap_of(signal)
    return str(cap.get("status") or ACTUAL) if cap else ACTUAL


def msg_type_of(signal: Signal | Mapping[str, Any]) -> str:
    """The CAP msgType (Alert for a signal that is not a CAP alert or does not say)."""
    cap = cap_of(signal)
    return str(cap.get("msgType") or "Alert") if cap else "Alert"


def references_of(signal: Signal | Mapping[str, Any]) -> list[Reference]:
    """The earlier alerts this one names in `references`."""
    cap = cap_of(signal)
    return Reference.parse_all(str(cap.get("references") or "")) if cap else []


def is_actual(signal: Signal | Mapping[str, Any]) -> bool:
    """True unless the signal is a CAP alert whose status is not Actual."""
    return status_of(signal) == ACTUAL


def may_trigger(signal: Signal | Mapping[str, Any]) -> bool:
    """Whether the signal may trigger an (Actual) incident's playbooks: an Actual Alert or
    Update (every non-CAP signal may)."""
    return is_actual(signal) and msg_type_of(signal) in ("Alert", "Update")


def why_not(signal: Signal | Mapping[str, Any]) -> str:
    """Why the signal triggers no playbook (empty when it may)."""
    if not is_actual(signal):
        return f"status {status_of(signal)}: only Actual alerts trigger playbooks"
    if not may_trigger(signal):
        return f"msgType {msg_type_of(signal)}: never triggers playbooks"
    return ""


@dataclass(frozen=True, slots=True)
class ThreadStep:
    """What one signal does to its alert thread."""

    thread: str  # the id of the thread's first alert (the signal's own id when it starts one)
    msg_type: str
    acts: bool  # an Actual message (a non-Actual Update or Cancel changes nothing)
    references: tuple[str, ...]  # ids of the earlier alerts it names

    @property
    def cancels(self) -> bool:
        """True for an Actual Cancel."""
        return self.acts and self.msg_type == "Cancel"


class AlertThreads:
    """Follows CAP alerts and the Updates and Cancels that reference them, by (sender, id)."""

    def __init__(self) -> None:
        self._thread: dict[tuple[str, str], str] = {}  # (sender, identifier) → thread id
        self._by_id: dict[str, str] = {}  # signal id → thread id

    def observe(self, signal: Signal) -> ThreadStep:
        """Record the signal; its thread and what it references."""
        msg_type = msg_type_of(signal)
        refs = references_of(signal) if msg_type in ("Update", "Cancel") else []
        acts = is_actual(signal)
        thread = signal.id
        if acts:
            for ref in refs:
                known = self._thread.get((ref.sender, ref.identifier))
                if known is not None:
                    thread = known
                    break
        if cap_of(signal) is not None:
            self._thread.setdefault((signal.source, signal.id), thread)
        self._by_id.setdefault(signal.id, thread)
        return ThreadStep(thread, msg_type, acts, tuple(r.identifier for r in refs))

    def thread_of(self, signal_id: str | None) -> str | None:
        """The thread a signal id belongs to (None for an id never observed)."""
        return None if signal_id is None else self._by_id.get(signal_id)
