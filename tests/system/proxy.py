"""A loopback TCP proxy that cuts every connection at random intervals (127.0.0.1 only)."""

from __future__ import annotations

import contextlib
import random
import select
import socket
import threading
import time


class CuttingProxy:
    """Forwards 127.0.0.1:`listen_port` to 127.0.0.1:`target_port`; every `cut_every` seconds
    (a random value in the range) it drops every connection and refuses new ones for `down_s`."""

    def __init__(
        self,
        listen_port: int,
        target_port: int,
        cut_every: tuple[float, float] = (0.2, 0.6),
        down_s: float = 0.1,
        seed: int = 4,
    ) -> None:
        self.target = ("127.0.0.1", target_port)
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", listen_port))
        self.server.listen(64)
        self.cut_every = cut_every
        self.down_s = down_s
        self.cuts = 0
        self._random = random.Random(seed)
        self._pairs: dict[socket.socket, socket.socket] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cutting-proxy", daemon=True)

    def start(self) -> CuttingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._cut()
        self.server.close()

    def _cut(self) -> None:
        for sock in list(self._pairs):
            with contextlib.suppress(OSError):
                sock.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
            sock.close()
        self._pairs.clear()

    def _run(self) -> None:
        next_cut = time.monotonic() + self._random.uniform(*self.cut_every)
        down_until = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_cut:
                self._cut()
                self.cuts += 1
                down_until = now + self.down_s
                next_cut = now + self._random.uniform(*self.cut_every)
            readable, _, _ = select.select([self.server, *self._pairs], [], [], 0.02)
            for sock in readable:
                if sock is self.server:
                    client, _ = self.server.accept()
                    if time.monotonic() < down_until:
                        client.close()
                        continue
                    try:
                        upstream = socket.create_connection(self.target, timeout=1)
                    except OSError:
                        client.close()
                        continue
                    self._pairs[client] = upstream
                    self._pairs[upstream] = client
                    continue
                peer = self._pairs.get(sock)
                if peer is None:
                    continue
                try:
                    data = sock.recv(65536)
                    if data:
                        peer.sendall(data)
                        continue
                except OSError:
                    pass
                for s in (sock, peer):
                    self._pairs.pop(s, None)
                    s.close()
