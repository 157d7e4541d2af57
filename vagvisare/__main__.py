"""`python -m vagvisare ...`: the same as the `vagvisare` command."""

import sys

from vagvisare.cli import main

sys.exit(main())
