"""``python -m mirix_app.cli``: the same entry point as the ``mirix-app`` command."""

import sys

from mirix_app.cli.main import main

sys.exit(main())
