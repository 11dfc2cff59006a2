"""The fused picture: fusion of feeds, five-level risk, playbooks and snapshots."""
