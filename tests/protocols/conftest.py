"""Fixtures for protocol tests: `context`, a ZeroMQ context destroyed after the test, and
`mosquitto`, a real MQTT broker on loopback (one per module)."""

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


@pytest.fixture
def context() -> Iterator[zmq.Context[Any]]:
    ctx: zmq.Context[Any] = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


@pytest.fixture(scope="module")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A mosquitto broker (anonymous, password and TLS listeners); skipped when not installed."""
    if MOSQUITTO is None or MOSQUITTO_PASSWD is None:
        pytest.skip(SKIP_REASON)
    with running_broker(tmp_path_factory.mktemp("mosquitto")) as broker:
        yield broker
