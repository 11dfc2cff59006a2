"""Benchmarks behind `baton bench` (DESIGN §11): each figure beside its floor from the same run."""
