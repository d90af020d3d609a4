"""PyInstaller entry script for the desktop app.

It lives outside the `exposurecheck` package on purpose: PyInstaller runs the entry script as `__main__`, and a
script inside the package (or named like a stdlib module) would shadow a real module and break relative imports.
"""

import sys

from exposurecheck.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
