"""Entry point for `python -m coursegen`, the same as the `coursegen` command."""

import sys

from coursegen.cli import main

sys.exit(main())
