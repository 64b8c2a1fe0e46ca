"""`python -m mtcheck` is the `mtcheck` command."""

import sys

from mtcheck.cli import main

sys.exit(main())
