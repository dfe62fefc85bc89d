"""Entry point for `python -m generator`, the same as the `coursegen` command."""

import sys

from generator.cli import main

sys.exit(main())
