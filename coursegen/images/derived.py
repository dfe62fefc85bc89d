"""Derived images as values: what one is made as (Spec), what making it gives (Encoded)."""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF")  # Pillow's names of the formats coursegen reads (MPO: a phone's JPEG)


@dataclass(frozen=True, slots=True)
class Spec:
    """One derived image: a center-cropped square, a social card, or a fit within OG_MAX_WIDTH."""

    kind: str  # "square" | "social" | "fit"
    size: int  # side of a square; ignored for social and fit
    format: str  # "jpeg" | "webp"
    text: tuple[str, ...] = ()  # social: course name, site title

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


@dataclass(frozen=True, slots=True)
class Encoded:
    """A derived image's bytes and its real pixel size."""

    data: bytes
    width: int
    height: int
