"""Shipped data: scenarios, zones, playbooks, order catalogues, translations, standards."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
STANDARDS_DIR = DATA_DIR / "standards"
CAP_XSD = STANDARDS_DIR / "CAP-v1.2.xsd"
"""The OASIS CAP 1.2 schema that every CAP export is validated against."""
CAP_EXAMPLE = STANDARDS_DIR / "cap-1.2-example-amber-alert.xml"
"""The example alert published with the CAP 1.2 specification."""
