"""The engine: ONE thread with a zmq.Poller loop that owns every socket and the journal writer.

A `Node` (console or station, see `protocols.nodes`) is built *inside* the engine thread by the
factory given to `Engine` (so the journal's SQLite connection and every socket live and die in
that thread). Other threads talk to it only through `Engine.call(command)` with a typed command
object of `protocols.commands` (a command queue plus a wake-up byte on a socket pair the loop
polls beside the node's sockets; the node's `Handlers` table picks the handler by the command's
class) and hear from it
through the `on_batch` callback, called from the engine thread with the journal events appended
since the last batch and the node's typed updates (a Qt bridge turns that into a queued
signal).

The wake-up is one OS socket pair, not zmq: an OS socket may be written by any thread (a zmq
socket may not, which would need a PUSH per calling thread), one `send` of a byte is the whole
signal, and the engine reads every pending byte with one `recv` (a zmq PULL needed a poll per
message). Writes and the close in `stop()` are serialised by a lock, so no thread writes to a
closed (or reused) descriptor.

`call` hands back a `concurrent.futures.Future` (the GUI adds done-callbacks); `call_sync`, the
caller that only waits, gets a lighter `_Reply` (one lock the engine releases: no condition, no
callbacks), which takes tens of µs off each call's hand-off, on the order round trip's path.

Once the first node of a process is built, the heap alive then (modules, classes, the node's
tables) is frozen out of the cyclic garbage collector (`freeze_heap`): a full collection then
scans only what was made since, not ~50 ms worth of start-up objects in the middle of an order.

Shutdown is clean and bounded: the node stops (its outbox is already safe in the journal), every
socket is closed with linger 0 and the context is destroyed; `stop()` never hangs.

A journal that cannot be written (a full disk, a read-only file) in the loop's own work (input,
timers) stops the node: the engine logs the one-line `JournalError` once (file, cause, fix), sends
a `JournalFailed` update with the last batch, keeps it as `Engine.failure` for a headless runner,
closes the node and ends its thread; commands called after that fail with that line (a command
that hits it itself fails to its caller with the error). Nothing is retried in a loop: with log
before send, a node that cannot journal must not go on. Any other error in a loop turn is logged
with its traceback the first time and counted after that (`Engine.errors`); the loop goes on.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import math
import queue
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import zmq

from command.clock import Clock
from command.errors import BatonError, JournalError
from command.journal import Event, Journal
from protocols.commands import Command, Handlers, JournalFailed, Shutdown, Update

R = TypeVar("R")
_log = logging.getLogger(__name__)


class EngineError(BatonError):
    """The engine could not start or is not running."""


class Node(Protocol):
    """What the engine drives: sockets to poll, input handling, timers and commands."""

    journal: Journal

    def sockets(self) -> list[zmq.Socket[Any]]:
        """Sockets whose input `pump` handles."""
        ...

    def pump(self) -> int:
        """Handle whatever input is ready; returns how many items."""
        ...

    def tick(self, now: float) -> None:
        """Run timers (retries, heartbeats, presence, order timers, feed staleness)."""
        ...

    def handlers(self) -> Handlers:
        """Command class → handler, run in the engine thread."""
        ...

    def drain_updates(self) -> tuple[Update, ...]:
        """What to tell the GUI besides journal events since the last call (oldest first)."""
        ...

    def close(self) -> None:
        """Close sockets and the journal (linger 0, never blocks)."""
        ...


@dataclass(frozen=True, slots=True)
class EngineBatch:
    """What the engine reports after a loop turn: new journal events and other updates."""

    events: list[Event]
    updates: tuple[Update, ...] = ()


class _Reply(Generic[R]):
    """One `call_sync`'s answer: a lock held until the engine sets the result or the error, the
    part of a `Future` a waiting caller needs (no condition, no callbacks, one acquire)."""

    __slots__ = ("_done", "_error", "_is_set", "_result")

    def __init__(self) -> None:
        self._done = threading.Lock()
        self._done.acquire()
        self._is_set = False
        self._result: R | None = None
        self._error: BaseException | None = None

    def done(self) -> bool:
        """True once a result or an error is set."""
        return self._is_set

    def set_result(self, result: R) -> None:
        """Set the result and wake the caller (the engine sets each reply once)."""
        self._result = result
        self._is_set = True
        self._done.release()

    def set_exception(self, error: BaseException) -> None:
        """Set the error and wake the caller (the engine sets each reply once)."""
        self._error = error
        self._is_set = True
        self._done.release()

    def result(self, timeout: float) -> R:
        """The result (or raise the error) within `timeout` seconds, else `TimeoutError` (as
        `Future.result`)."""
        if not self._done.acquire(timeout=max(0.0, timeout)):
            raise TimeoutError(f"no answer within {timeout:g} s")
        if self._error is not None:
            raise self._error
        return cast(R, self._result)


class _Queued:
    """A command and where its answer goes."""

    __slots__ = ("command", "future")

    def __init__(self, command: Command[Any], future: Future[Any] | _Reply[Any]) -> None:
        self.command = command
        self.future = future


class _HeapFreeze:
    """Freeze the heap out of the cyclic garbage collector, once per process (see module doc)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.done = False

    def __call__(self) -> bool:
        """Collect, then `gc.freeze()` everything alive; True if this call did it."""
        with self._lock:
            if self.done:
                return False
            self.done = True
        gc.collect()  # what is garbage now is collected, not frozen for good
        gc.freeze()
        return True


freeze_heap = _HeapFreeze()
"""Called by every engine once its node is built; only the first call in a process freezes."""


class Engine:
    """Runs a `Node` on its own thread (see module doc)."""

    def __init__(
        self,
        factory: Callable[[zmq.Context[Any]], Node],
        clock: Clock,
        *,
        on_batch: Callable[[EngineBatch], None] | None = None,
        tick_s: float = 0.05,
        name: str = "baton-engine",
        replay_history: bool = False,
    ) -> None:
        self._factory = factory
        self._clock = clock
        self._on_batch = on_batch
        self._tick_s = tick_s
        self._name = name
        self._replay_history = replay_history  # first batch: the whole journal (a new window)
        self._queue: queue.SimpleQueue[_Queued] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._context: zmq.Context[Any] | None = None
        # The wake-up pair: callers write a byte to `_wake_w` (under `_wake_lock`, which stop()
        # takes to close it); the engine polls and drains `_wake_r`.
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._wake_lock = threading.Lock()
        self._accepting = False
        self._stopping = False
        self.node: Node | None = None  # for tests and diagnostics: only touch from the engine
        self.errors = 0  # exceptions caught in the loop (each kind logged once)
        self.failure: JournalFailed | None = None  # why the node stopped on its own, if it did
        self._finished = threading.Event()  # the engine thread has left its loop
        self._seen: dict[tuple[str, str], int] = {}  # loop errors by (type, text) → how often

    # -- outside the engine thread -------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> Engine:
        """Start the thread and wait until the node is built (or raise why it could not be)."""
        self._context = zmq.Context()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise EngineError(f"{self._name} did not start within {timeout:g} s")
        if self._startup_error is not None:
            self._thread.join(timeout)
            self._thread = None
            self._close_wake()
            self._context.destroy(linger=0)
            self._context = None
            if isinstance(self._startup_error, BatonError):
                raise self._startup_error
            if isinstance(self._startup_error, zmq.ZMQError):
                # Most often a port someone else holds: say so in words, not a repr.
                raise EngineError(
                    f"{self._name} cannot start: {self._startup_error}; choose another address "
                    "or stop the program using it"
                )
            raise EngineError(f"{self._name} failed to start: {self._startup_error!r}")
        self._accepting = True
        return self

    def call(self, command: Command[R]) -> Future[R]:
        """Run `command` in the engine thread; the future holds its result or error."""
        future: Future[R] = Future()
        self._submit(command, future)
        return future

    def _submit(self, command: Command[R], reply: Future[R] | _Reply[R]) -> None:
        if self._stopping or not self._accepting:
            reply.set_exception(EngineError(f"{self._name} is not running"))
            return
        self._queue.put(_Queued(command, reply))
        if self._finished.is_set():  # the loop ended (e.g. a journal failure): nobody will run it
            self._drain_after_stop()
            return
        self._wake()

    def _wake(self) -> None:
        """Make the engine's poll return (callable from any thread)."""
        with self._wake_lock:
            if self._wake_w is None:  # stop() closed it: the command fails as "stopped"
                return
            # BlockingIOError: the pair's buffer is full of wake-ups the engine has yet to read,
            # so it will see this command too.
            with contextlib.suppress(BlockingIOError, InterruptedError):
                self._wake_w.send(b"!")

    def _close_wake(self) -> None:
        with self._wake_lock:
            for sock in (self._wake_w, self._wake_r):
                if sock is not None:
                    sock.close()
            self._wake_w = self._wake_r = None

    def call_sync(self, command: Command[R], timeout: float = 10.0) -> R:
        """`call` and wait for the result (or raise its error; `TimeoutError` after `timeout`)."""
        reply: _Reply[R] = _Reply()
        self._submit(command, reply)
        return reply.result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Shut the engine down; bounded by `timeout`, never hangs."""
        if self._thread is None:
            return
        if self._accepting and not self._stopping:
            self.call(Shutdown())
        self._stopping = True
        self._thread.join(timeout)
        self._accepting = False
        if not self._thread.is_alive():  # else the thread still polls them: leave both be
            self._close_wake()
            if self._context is not None:
                self._context.destroy(linger=0)
                self._context = None
        self._thread = None

    @property
    def running(self) -> bool:
        """True while the engine thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> Engine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inside the engine thread --------------------------------------------------------------

    def _run(self) -> None:
        assert self._context is not None and self._wake_r is not None
        wake_socket = self._wake_r
        try:
            node = self._factory(self._context)
        except BaseException as err:  # reported to start()
            self._startup_error = err
            self._ready.set()
            return
        self.node = node
        freeze_heap()
        self._ready.set()
        poller = zmq.Poller()
        wake_fd = wake_socket.fileno()  # zmq.Poller reports a plain socket by its descriptor
        poller.register(wake_fd, zmq.POLLIN)
        for sock in node.sockets():
            poller.register(sock, zmq.POLLIN)
        handlers = node.handlers()
        last_seq = 0 if self._replay_history else node.journal.head[0]
        next_tick = 0.0
        running = True
        try:
            while running:
                # Round up: int() would poll(0) and spin through the tick's last millisecond.
                wait_ms = max(0, math.ceil((next_tick - time.monotonic()) * 1000))
                ready = dict(poller.poll(wait_ms))
                if wake_fd in ready:
                    _drain(wake_socket)  # before the queue: a later wake-up is a later command
                    running = self._run_commands(handlers)
                try:
                    node.pump()
                    # Report what the commands and messages did before the timers run: a tick
                    # (a checkpoint, an order-timer scan) must not delay the batch callback.
                    last_seq = self._emit(node, last_seq)
                    if time.monotonic() >= next_tick:
                        next_tick = time.monotonic() + self._tick_s
                        node.tick(self._clock.now())
                        last_seq = self._emit(node, last_seq)
                except JournalError as err:  # nothing can be journaled, so nothing may be done
                    self._journal_failed(node, err, last_seq)
                    running = False
                except Exception as err:  # one bad message or hook must not stop the engine
                    self._loop_error(err)
        finally:
            self._finished.set()  # before the drain: a later call() drains its own command
            self._drain_after_stop()
            try:
                node.close()
            except JournalError as err:
                if self.failure is None:
                    self.failure = JournalFailed(node.journal.path, f"{self._name}: {err}")
                    _log.error("%s", self.failure.text)
            except Exception:
                _log.exception("%s: error closing the node", self._name)

    def _journal_failed(self, node: Node, err: JournalError, last_seq: int) -> None:
        """Say once why the node stops, to the log and (with what happened before) the GUI."""
        failure = JournalFailed(node.journal.path, f"{self._name} stopped: {err}")
        self.failure = failure
        _log.error("%s", failure.text)
        if self._on_batch is None:
            return
        try:
            events = list(node.journal.events(after_seq=last_seq))
        except JournalError:
            events = []
        try:
            self._on_batch(EngineBatch(events, (*node.drain_updates(), failure)))
        except Exception:
            _log.exception("%s: error reporting the journal failure", self._name)

    def _loop_error(self, err: Exception) -> None:
        """Log a loop error with its traceback the first time, then only now and then."""
        self.errors += 1
        key = (type(err).__qualname__, str(err))
        if key not in self._seen and len(self._seen) >= 1000:
            self._seen.clear()
        seen = self._seen[key] = self._seen.get(key, 0) + 1
        if seen == 1:
            _log.exception("%s: error in the engine loop (continuing)", self._name)
        elif seen in (10, 100) or seen % 1000 == 0:
            _log.error("%s: the same error %d times (continuing): %s", self._name, seen, err)

    def _run_commands(self, handlers: Handlers) -> bool:
        while True:
            try:
                queued = self._queue.get_nowait()
            except queue.Empty:
                return True
            if isinstance(queued.command, Shutdown):
                queued.future.set_result(None)
                return False
            try:
                queued.future.set_result(handlers.run(queued.command))
            except Exception as err:  # the caller gets it through the future
                queued.future.set_exception(err)

    def _drain_after_stop(self) -> None:
        while True:
            try:
                queued = self._queue.get_nowait()
            except queue.Empty:
                return
            if not queued.future.done():
                why = f"{self._name} stopped" if self.failure is None else self.failure.text
                queued.future.set_exception(EngineError(why))

    def _emit(self, node: Node, last_seq: int) -> int:
        head = node.journal.head[0]
        updates = node.drain_updates()
        if head <= last_seq and not updates:
            return last_seq
        if self._on_batch is not None:
            events = list(node.journal.events(after_seq=last_seq)) if head > last_seq else []
            self._on_batch(EngineBatch(events, updates))
        return max(head, last_seq)


def _drain(wake: socket.socket) -> None:
    """Read the wake-up bytes waiting on `wake`: one read (non-blocking) takes up to 64 KiB of
    them; any left over (more calls than that in one turn) only wake the next poll at once."""
    with contextlib.suppress(BlockingIOError, InterruptedError):
        wake.recv(65536)
