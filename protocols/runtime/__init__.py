"""The headless runtime of a live incident, with no Qt.

`console` runs the console engine for one scenario from provisioned files and summarises its
journal; `provision` writes the keys, CURVE certificates, trust files, allow-list and grant chain
that a console and its stations need; `demo` plans and runs a whole scenario on loopback;
`supervisor` starts and stops the child processes (stations, feed simulator) of such a run.
The windows that can sit on top of these live in `ui`.
"""
