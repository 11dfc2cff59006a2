"""A crafted station-side sender: holds one station's allow-listed CURVE key and speaks as that
station (no impostor: the claimed id is the key's owner). It says HELLO; when the console sends
it its first message, it answers with an ACK and then a NACK whose `ack_of` names another
station's message (`foreign_msg_id`), and last an honest ACK of the message it received, so the
console's journal shows when all three were processed (DEALER→ROUTER keeps their order). Each
message type it receives is appended to `out`, one line each. Runs until SIGTERM.
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
from protocols.codec import decode, encode
from protocols.framing import frames_of, pack
from protocols.messages import Ack, Body, Header, Hello, Message, Nack, NackCode
from protocols.security import configure_client


def main(directory: Path, port: int, station: str, foreign_msg_id: str, out: Path) -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    keys = directory / "keys"
    context: zmq.Context[Any] = zmq.Context()
    socket: zmq.Socket[Any] = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.setsockopt(zmq.ROUTING_ID, station.encode())
    configure_client(
        socket,
        load_curve_keys(keys / f"{station}.key_secret"),
        load_curve_public(keys / "console.key"),
    )
    socket.connect(f"tcp://127.0.0.1:{port}")
    seq = 0

    def send(body: Body, ack_of: str = "") -> None:
        nonlocal seq
        seq += 1
        header = Header(f"m-cross-{seq}-{time.time_ns()}", station, seq, ack_of, time.time(), 1)
        socket.send(pack(encode(Message(header, body))))

    answered = False
    try:
        send(Hello(role="station", name=station))
        while not stop.is_set():
            if not socket.poll(100):
                continue
            message = decode(frames_of(socket.recv_multipart()))
            with open(out, "a", encoding="utf-8") as f:
                f.write(f"{message.type}\n")
            if answered:
                continue
            send(Ack(), foreign_msg_id)
            send(Nack(code=NackCode.INVALID.value, text="crafted refusal"), foreign_msg_id)
            send(Ack(), message.header.msg_id)
            answered = True
    finally:
        socket.close(linger=0)
        context.destroy(linger=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], Path(sys.argv[5])))
