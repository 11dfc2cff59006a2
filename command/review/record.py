"""The event shape review code reads; the state it reads is the one fold (`command.fold`).

Kept only because `ui/console/models.py` still imports `EventLike` from here.
"""

from command.vocabulary import EventLike

__all__ = ["EventLike"]
