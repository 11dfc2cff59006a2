"""One module per `baton` subcommand; each exposes `register(subparsers)`."""
