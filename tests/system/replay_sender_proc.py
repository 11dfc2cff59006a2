"""A crafted console-side sender: binds the console's port with the console's CURVE key (the
real console is stopped), waits for the station's HELLO and sends it ORDER messages read from a
JSON file (a list of {"msg_id", "order"}), each under its own message id, once. It acks nothing.
Each message type it receives is appended to `out`, one line each. Runs until SIGTERM.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import zmq

from protocols.certs import load_curve_keys, load_curve_public
from protocols.codec import decode, encode
from protocols.framing import frames_of, pack
from protocols.messages import Header, Message, OrderMsg
from protocols.security import ZAP_DOMAIN, ZapHandler, configure_server


def main(directory: Path, port: int, station: str, sends: Path, out: Path) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    keys = directory / "keys"
    context: zmq.Context[Any] = zmq.Context()
    allowed = {load_curve_public(keys / f"{station}.key"): station}
    handler, _book = ZapHandler.acquire(context, ZAP_DOMAIN, allowed)
    socket: zmq.Socket[Any] = context.socket(zmq.ROUTER)
    socket.linger = 0
    configure_server(socket, load_curve_keys(keys / "console.key_secret"))
    socket.bind(f"tcp://127.0.0.1:{port}")
    sent = False
    try:
        while not stop.is_set():
            if not socket.poll(100):
                continue
            routing_id, *parts = socket.recv_multipart()
            message = decode(frames_of(parts))
            with open(out, "a", encoding="utf-8") as f:
                f.write(f"{message.type}\n")
            if sent:
                continue
            for n, item in enumerate(json.loads(sends.read_text(encoding="utf-8"))):
                header = Header(item["msg_id"], "console", 10_000 + n, "", time.time(), 1)
                frames = encode(Message(header, OrderMsg(item["order"])))
                socket.send_multipart([routing_id, pack(frames)])
            sent = True
    finally:
        socket.close(linger=0)
        handler.release(ZAP_DOMAIN)
        context.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(
        main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))
    )
