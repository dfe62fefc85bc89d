"""site.yaml, validated by its schema, as a frozen SiteConfig."""

from __future__ import annotations

from coursegen.content.files import Document
from coursegen.content.schema import validate_document
from coursegen.issues import Issue
from coursegen.model import ImageSizes, Link, Organization, SiteConfig


def url_path(url: str) -> str:
    """Return the path part of an absolute URL, "/" when it has none."""
    after_scheme = url.split("://", 1)[1]
    slash = after_scheme.find("/")
    return after_scheme[slash:] if slash >= 0 else "/"


def normalise_base_url(url: str) -> str:
    """Return the URL with exactly one trailing slash."""
    return url.rstrip("/") + "/"


def load_site(document: Document, base_url_override: str | None = None) -> tuple[SiteConfig | None, list[Issue]]:
    """Validate site.yaml and return its settings, or the issues that prevent it."""
    issues = validate_document(document, "site")
    if issues:
        return None, issues
    data = dict(document.data)
    if base_url_override:
        data["base_url"] = base_url_override
    data["base_url"] = normalise_base_url(data["base_url"])
    data["base_path"] = url_path(data["base_url"])
    data["image_sizes"] = ImageSizes(**data.get("image_sizes", {}))
    data["nav"] = tuple(Link(**link) for link in data.get("nav", ()))
    data["footer_links"] = tuple(Link(**link) for link in data.get("footer_links", ()))
    if "organization" in data:
        data["organization"] = Organization(**data["organization"])
    return SiteConfig(**data), []
