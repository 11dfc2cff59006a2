"""One module per `baton` subcommand; each exposes `register(subparsers)`."""

from tqdm import tqdm

# tqdm starts a monitor thread with its first bar (even a disabled one) and keeps it for the
# life of the process; `verify_journal` checks in parallel only in a single-threaded process
# (forking with other threads running is unsafe), so a replay before a verify would slow it.
tqdm.monitor_interval = 0
