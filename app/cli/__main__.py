"""``python -m app.cli.main``: the same as the ``kalshi-dash`` command."""

import sys

from app.cli.main import main

sys.exit(main())
