"""Entry script of the frozen app: the same ``main`` as the ``mirix-app`` console script."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from mirix_app.cli.main import main

    sys.exit(main())
