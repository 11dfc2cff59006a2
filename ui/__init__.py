"""Qt applications (console, station, replay) and the `baton` command line."""
