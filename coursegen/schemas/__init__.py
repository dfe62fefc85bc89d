"""The JSON Schemas coursegen ships: what content files, feeds and manifests must look like."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def load(name: str) -> dict:
    """Return one of the shipped JSON Schemas: course, dashboard, detail, site, categories, users, manifest."""
    return json.loads(resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8"))
