"""One module per `passeur` subcommand; each is a thin click layer over the API."""
