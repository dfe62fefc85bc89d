"""The site: which pages a catalog makes, what templates see, and the files beside the pages.

Only the places of the built-in files are here: a build that finds nothing to do reads them
without importing Jinja2.
"""

from pathlib import Path

ASSETS = Path(__file__).parent / "assets"
BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
