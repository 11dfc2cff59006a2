"""An impostor process: holds one station's allow-listed CURVE key and claims another's id.

Every `period` seconds it opens a fresh DEALER (routing id = the claimed station id, as the
console's ROUTER once trusted), completes the CURVE handshake with the key it holds, says HELLO
and sends heartbeats as the claimed station. Each message it ever receives is appended to
`out` (one line per message type); each handshake it completes, to `out` + ".connects".
Runs until SIGTERM.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import zmq

from protocols.certs import load_curve_keys, load_curve_public
from protocols.codec import encode
from protocols.framing import frames_of, pack
from protocols.messages import Header, Heartbeat, Hello, Message
from protocols.security import configure_client


def _attempt(
    context: zmq.Context[Any], address: str, claims: str, key_dir: Path, key_of: str, out: Path
) -> None:
    socket: zmq.Socket[Any] = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.setsockopt(zmq.ROUTING_ID, claims.encode())
    configure_client(
        socket,
        load_curve_keys(key_dir / f"{key_of}.key_secret"),
        load_curve_public(key_dir / "console.key"),
    )
    monitor = socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
    socket.connect(address)
    try:
        if monitor.poll(2000):
            with open(f"{out}.connects", "a", encoding="utf-8") as f:
                f.write("handshake\n")
        for n in range(5):
            body = Hello(role="station", name=claims) if n == 0 else Heartbeat()
            header = Header(f"m-imp-{time.time_ns()}", claims, n + 1, "", time.time(), 1)
            socket.send(pack(encode(Message(header, body))), zmq.NOBLOCK)
            while socket.poll(100):
                frames = frames_of(socket.recv_multipart())
                with open(out, "a", encoding="utf-8") as f:
                    f.write(f"{frames[1].decode('ascii', 'replace') if len(frames) > 1 else '?'}\n")
    except zmq.ZMQError:
        pass
    finally:
        socket.disable_monitor()
        monitor.close(linger=0)
        socket.close(linger=0)


def main(directory: Path, port: int, claims: str, key_of: str, out: Path, period: float) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    context: zmq.Context[Any] = zmq.Context()
    try:
        while not stop.is_set():
            _attempt(context, f"tcp://127.0.0.1:{port}", claims, directory / "keys", key_of, out)
            stop.wait(period)
    finally:
        context.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(
        main(
            Path(sys.argv[1]),
            int(sys.argv[2]),
            sys.argv[3],
            sys.argv[4],
            Path(sys.argv[5]),
            float(sys.argv[6]),
        )
    )
