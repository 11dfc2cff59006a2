"""Fixtures for protocol tests: `context`, a ZeroMQ context destroyed after the test; `wired`,
a console and its stations over each transport (in memory and real zmq; a module may define
its own); and `mosquitto`, a real MQTT broker on loopback (one per module)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import zmq

from tests.protocols.mqtt_broker import (
    MOSQUITTO,
    MOSQUITTO_PASSWD,
    SKIP_REASON,
    Broker,
    running_broker,
)
from tests.protocols.wiring import Rig, rig


@pytest.fixture
def context() -> Iterator[zmq.Context[Any]]:
    ctx: zmq.Context[Any] = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


@pytest.fixture(params=["memory", "zmq"])
def wired(request: pytest.FixtureRequest) -> Iterator[Rig]:
    with rig(request.param) as built:
        yield built


@pytest.fixture(scope="module")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A mosquitto broker (anonymous, password and TLS listeners); skipped when not installed."""
    if MOSQUITTO is None or MOSQUITTO_PASSWD is None:
        pytest.skip(SKIP_REASON)
    with running_broker(tmp_path_factory.mktemp("mosquitto")) as broker:
        yield broker
