"""How a bench process serves: one engine run until SIGTERM (or until the engine stops on its
own), with "ready" printed once it runs. `bench.console_proc` and `bench.centre_proc` use it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from protocols.engine import Engine


def serve(engine: Engine, work: Callable[[Engine, threading.Event], None] | None = None) -> int:
    """Start `engine`, print "ready", run `work(engine, stop)` if given, then wait until SIGTERM
    sets `stop` or the engine ends; the engine is always stopped. Returns the exit status."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    engine.start()
    try:
        print("ready", flush=True)
        if work is not None:
            work(engine, stop)
        while not stop.wait(0.2) and engine.running:
            pass
    finally:
        engine.stop()
    return 0
