"""`python -m ui` runs the `baton` command line."""

import sys

from ui.cli import main

sys.exit(main())
