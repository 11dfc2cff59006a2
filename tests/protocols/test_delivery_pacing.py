"""`WireConfig.paced`: the one place a scenario clock's speed scales the link's timings."""

from __future__ import annotations

from dataclasses import fields

import pytest

from protocols.delivery import WireConfig

PACED = {
    "heartbeat_s",
    "retry_first_s",
    "retry_max_s",
    "timers_every_s",
    "auth_log_every_s",
    "reload_every_s",
}


@pytest.mark.parametrize("speed", [1.0, 4.0, 240.0])
def test_paced_scales_every_wall_paced_timing_and_nothing_else(speed: float) -> None:
    base = WireConfig(heartbeat_s=2.0)
    paced = WireConfig.paced(speed, heartbeat_s=2.0)
    for field in fields(WireConfig):
        want = getattr(base, field.name)
        if field.name in PACED:
            want = want * speed
        assert getattr(paced, field.name) == want, field.name


def test_paced_at_wall_speed_is_the_default() -> None:
    assert WireConfig.paced(1.0) == WireConfig()
