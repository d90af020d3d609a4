import sys

from exposurecheck_server.cli import main

sys.exit(main())
