"""Each provisioned station gets the commander's public key (issue #14): the console checkpoints
it witnesses must be signed by it, not by whichever key a console shows first."""

from __future__ import annotations

from pathlib import Path

from command.authority.keys import load_public_key, load_signer
from command.scenarios.loader import load_scenario
from protocols.runtime.provision import provision


def test_every_station_is_given_the_commanders_key(tmp_path: Path) -> None:
    scenario = load_scenario("bund")
    p = provision(scenario, tmp_path, now_scenario=scenario.start)
    commander = load_signer(p.console_signing_key).public_hex
    for st in p.stations:
        assert st.console_signer is not None
        assert load_public_key(st.console_signer) == commander
        args = st.station_args()
        assert args[args.index("--console-signer") + 1] == str(st.console_signer)
