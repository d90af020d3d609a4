"""`python -m exposurecheck` runs the same entry point as the `exposure-check` command."""

import sys

from exposurecheck.cli.main import main

sys.exit(main())
