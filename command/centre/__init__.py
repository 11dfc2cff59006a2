"""The operations centre's board: per delegated incident, the one fold (`command.fold`) over the
site's mirrored events plus what the centre itself knows (its grants, the link, SITREP requests,
witnessed checkpoints, integrity alarms). Qt-free; the centre window adapts it."""

from command.centre.board import BoardRow, CentreBoard, SiteFold
from command.centre.facts import CentreGrant, SitrepView, WitnessedCheckpoint
from command.centre.mirror import PATH_SEPARATOR, MirroredEvent, path_key
from command.centre.timeline import TimelineEntry, TimelineModel

__all__ = [
    "PATH_SEPARATOR",
    "BoardRow",
    "CentreBoard",
    "CentreGrant",
    "MirroredEvent",
    "SiteFold",
    "SitrepView",
    "TimelineEntry",
    "TimelineModel",
    "WitnessedCheckpoint",
    "path_key",
]
