"""Every benchmark of the project, behind `baton bench`: each figure beside its floor from one run.

The top layer: `bench` may import `ui`, `protocols` and `command`; nothing imports `bench`.
`baton bench` reaches it through the `baton.commands` entry point (`bench.cli:register`).
"""
