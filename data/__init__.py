"""Shipped data: scenarios, zones, playbooks, order catalogues, translations."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
