"""The ``kalshi-dash`` command line and its subcommands (dashboard, record, serve)."""
