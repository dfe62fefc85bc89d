"""coursegen: validate a YAML course catalog and build a static site and JSON feeds from it."""

__version__ = "0.1.0"
