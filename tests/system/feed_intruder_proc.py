"""A feed-bus intruder: keeps trying to publish into the console's feed bus with keys it made up.

    python -m tests.system.feed_intruder_proc FEEDS CONSOLE_KEY SECONDS OUT

For SECONDS it opens, again and again, a fresh `FeedPublisher` under the simulator's name with a
fresh CURVE key pair (never on the console's allow-list; every third attempt with no CURVE at
all), publishes crowd counts and a CAP "ferry suspension" signal, and closes it after a short
while. The number of attempts goes to OUT when it ends.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import zmq

from command.model import Observation, Signal
from protocols.certs import load_curve_public
from protocols.feedbus import FeedPublisher
from protocols.security import CurveKeys


def main(feeds: str, console_key: Path, seconds: float, out: Path) -> int:
    server = load_curve_public(console_key)
    host, port = feeds.rsplit(":", 1)
    snapshots = f"{host}:{int(port) + 1}"
    context: zmq.Context[Any] = zmq.Context()
    attempts = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            attempts += 1
            plain = attempts % 3 == 0
            pub = FeedPublisher(
                context,
                "simulator",
                feed_address=feeds,
                snapshot_address=snapshots,
                keys=None if plain else CurveKeys.generate(),
                server_key=None if plain else server,
            )
            now = time.time()
            pub.publish([Observation(now, "crowd", "chenyi", "crowd", 999_999.0, "fake")])
            pub.publish_signal(Signal(f"fake-{attempts}", now, "cap", "ferry_suspended", "Fake"))
            pub.snap.poll(20)
            pub.close()
    finally:
        context.destroy(linger=0)
        out.write_text(str(attempts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])))
