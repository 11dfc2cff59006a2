"""Child process of the crash test: writes groups of events to a journal file until killed.

Each transaction writes GROUP events tagged with the group number, an outbox message and an
observation batch, then prints the group number. Run: python -m tests.command.journal.crash_writer
PATH
"""

from __future__ import annotations

import sys

from command.clock import ManualClock
from command.journal import Journal
from command.model import Observation

GROUP = 5


def main(path: str) -> None:
    clock = ManualClock()
    journal = Journal.open(path, clock=clock, owner="cmd", role="console")
    group = 0
    while True:
        clock.advance(1)
        with journal.transaction():
            for i in range(GROUP):
                journal.append("test.group", {"group": group, "i": i, "pad": "x" * 500})
            journal.enqueue("traffic", "report", {"group": group})
            journal.add_observations(
                [Observation(clock.now(), "f", "z", "m", float(group), "s") for _ in range(50)]
            )
        print(group, flush=True)
        group += 1


if __name__ == "__main__":
    main(sys.argv[1])
