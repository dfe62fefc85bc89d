"""site.yaml, validated by its schema, as a frozen SiteConfig."""

from __future__ import annotations

from dataclasses import dataclass

from generator.issues import Issue
from generator.content.files import Document
from generator.content.schema import validate_document


@dataclass(frozen=True, slots=True)
class ImageSizes:
    """Side in pixels of each squared image the model defines (site.yaml `image_sizes`)."""

    bigger: int = 1024
    big: int = 512
    medium: int = 256
    small: int = 128

    def items(self) -> tuple[tuple[str, int], ...]:
        """Return (model size name, side) from the biggest name to the smallest."""
        return (("bigger", self.bigger), ("big", self.big), ("medium", self.medium), ("small", self.small))


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The catalog's settings; every absolute URL is built from base_url."""

    title: str
    base_url: str  # always ends with "/"
    language: str = "en"
    description: str = ""
    default_image: str = ""  # absolute URL or a path under content/images/; "" for the shipped image
    page_size: int = 24
    feed_page_size: int = 1000
    image_sizes: ImageSizes = ImageSizes()

    base_path: str = "/"  # the path part of base_url ("/" or "/catalog/"): internal links start with it


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
    return SiteConfig(**data), []
