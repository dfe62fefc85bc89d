"""Pixel work with Pillow, pure bytes in and bytes out: inspect a source, make squares and social images."""

from __future__ import annotations

import contextlib
import io
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # Pillow's names of the formats coursegen reads
MAX_PIXELS = 100_000_000  # 10,000 × 10,000: anything larger is refused as a possible decompression bomb
SOCIAL_SIZE = (1200, 630)
OG_MAX_WIDTH = 1200
FONT = Path(__file__).parent / "fonts" / "DejaVuSans-Bold.ttf"  # licence: fonts/LICENSE-DejaVu.txt
BACKGROUND = (255, 255, 255)  # transparency is flattened onto white: JPEG has no alpha channel
_SAVE = {"jpeg": {"format": "JPEG", "quality": 85, "optimize": True, "progressive": True},
         "webp": {"format": "WEBP", "quality": 80, "method": 4}}


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a readable source image is: its format and its size once EXIF orientation is applied."""

    format: str
    width: int
    height: int


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


def inspect(data: bytes) -> SourceInfo | str:
    """Return the image's format and oriented size, or why it cannot be used (decoding every pixel)."""
    try:
        with _quiet(), Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                return f"is a {image.format} image; expected JPEG, PNG, WebP or GIF"
            width, height = image.size
            if width * height > MAX_PIXELS:
                return _bomb(f"{width}×{height} pixels")
            _limit_decoding(image, 512)
            image.load()  # a truncated or corrupt file fails here, not in the middle of a build
            if _orientation(image) in (5, 6, 7, 8):
                width, height = height, width
            return SourceInfo(image.format, width, height)
    except Image.DecompressionBombError as exc:  # Pillow's own, larger limit, met before the size is known
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        return _bomb(f"{int(pixels.group(1)):,} pixels" if pixels else "too many pixels")
    except Image.UnidentifiedImageError:
        return "is not an image: expected a JPEG, PNG, WebP or GIF file"
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return f"is truncated or corrupt ({exc}); export it again"


def _bomb(claim: str) -> str:
    return (f"claims {claim}, more than the limit of {MAX_PIXELS // 1_000_000} megapixels: "
            f"refused as a possible decompression bomb")


def render(data: bytes, specs: list[Spec]) -> dict[Spec, Encoded]:
    """Decode the source once and return every requested derivative."""
    largest = max((s.size if s.kind == "square" else SOCIAL_SIZE[1]) for s in specs)
    if any(s.kind == "fit" for s in specs):
        largest = OG_MAX_WIDTH
    with _quiet(), Image.open(io.BytesIO(data)) as opened:
        _limit_decoding(opened, largest)
        orientation = _orientation(opened)
        opened.load()
        profile = opened.info.get("icc_profile")
        image = _reduced(opened, largest)  # the full-size pixels are freed when `opened` closes
    image = _to_rgb(_in_srgb(_upright(image, orientation), profile))
    squares: dict[int, Image.Image] = {}
    made = {}
    for spec in sorted(specs, key=lambda s: -s.size):
        if spec.kind == "square":
            if spec.size not in squares:
                squares[spec.size] = _square(squares[min(squares)] if squares else image, spec.size)
            picture = squares[spec.size]
        elif spec.kind == "social":
            picture = _social(image, *spec.text)
        else:
            picture = _fit(image, OG_MAX_WIDTH)
        made[spec] = _encode(picture, spec.format)
    return made


@contextlib.contextmanager
def _quiet():
    """Silence Pillow's size warning: MAX_PIXELS is checked explicitly, with a clearer message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (TypeError, ValueError):
        return 1


def _reduced(image: Image.Image, side: int) -> Image.Image:
    """Return a copy shrunk by a whole factor (fast, box-filtered) while its shorter side stays at least
    twice `side`: Lanczos then works on a few megapixels, not on a 10,000-pixel PNG."""
    factor = max(1, min(image.size) // (2 * side))
    if factor == 1:
        return image.copy()
    if image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        image = _to_rgb(image)  # palette and 1-bit images cannot be reduced
    return image.reduce(factor)


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation, as ImageOps.exif_transpose does, to a copy that no longer carries the tag."""
    method = _TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}


def _limit_decoding(image: Image.Image, side: int) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when its shorter side stays at least `side`: a
    10,000-pixel photo then never occupies its full size in memory."""
    if image.format == "JPEG":
        width, height = image.size
        scale = max(side / min(width, height), 1 / 8)
        if scale < 1:
            image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))


def _in_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    """Return the pixels converted from the source's colour profile to sRGB, so that none needs to be published.

    A profile is data the source's author did not mean to publish (its description names the
    camera or the editor's tool), like every other metadata block: only sRGB pixels leave. A
    profile that lcms cannot read, or of a mode it cannot convert, leaves the pixels as they are.
    """
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    from PIL import ImageCms  # only for the few sources that carry a profile

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        output = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=output)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Return an RGB image: palette, CMYK, grey and 16-bit modes converted; transparency onto white."""
    if image.mode == "P" and "transparency" in image.info or image.mode in ("PA", "LA", "La", "RGBa"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, BACKGROUND)
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    if image.mode.startswith("I;16"):  # 16-bit grey PNG: scale to 8 bits rather than clip to white
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image.convert("RGB") if image.mode != "RGB" else image


def _square(image: Image.Image, size: int) -> Image.Image:
    """Return the centered square of the image, downscaled with Lanczos to at most `size`."""
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    target = min(size, side)  # never enlarged
    return image.resize((target, target), Image.Resampling.LANCZOS, box=(left, top, left + side, top + side),
                        reducing_gap=3.0)


def _fit(image: Image.Image, max_width: int) -> Image.Image:
    width, height = image.size
    if width <= max_width:
        return image
    return image.resize((max_width, round(height * max_width / width)), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _social(image: Image.Image, name: str, site_title: str) -> Image.Image:
    """Return a 1200×630 card: the course's square on the left, its name on a panel of its own colour."""
    width, height = SOCIAL_SIZE
    square = _square(image, height).resize((height, height), Image.Resampling.LANCZOS)
    average = square.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    panel = tuple(int(c * 0.35) for c in average)  # dark enough for white text whatever the image
    card = Image.new("RGB", (width, height), panel)
    card.paste(square, (0, 0))
    draw = ImageDraw.Draw(card)
    left, right = height + 56, width - 56
    title_font, lines = _fit_text(draw, name, right - left, max_lines=5)
    line_height = round(title_font.size * 1.2)
    top = (height - line_height * len(lines)) // 2 - 20
    for number, line in enumerate(lines):
        draw.text((left, top + number * line_height), line, font=title_font, fill=(255, 255, 255))
    site_font = font(28)
    draw.text((left, height - 80), _ellipsis(draw, site_title, site_font, right - left), font=site_font,
              fill=(225, 225, 225))
    return card


def _fit_text(draw: ImageDraw.ImageDraw, text: str, width: int, *, max_lines: int):
    for size in (64, 56, 48, 40, 34):
        face = font(size)
        lines = _wrap(draw, text, face, width)
        if len(lines) <= max_lines:
            return face, lines
    return face, lines[: max_lines - 1] + [_ellipsis(draw, " ".join(lines[max_lines - 1:]), face, width)]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(_ellipsis(draw, word, font, width))
    return lines


def _ellipsis(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def font(size: int) -> ImageFont.FreeTypeFont:
    """Return the shipped DejaVu Sans Bold: Latin, Greek and Cyrillic names draw the same on every machine.

    (Pillow's built-in font has no "é": a "Café" course would show a box.)
    """
    return ImageFont.truetype(str(FONT), size)


def _encode(image: Image.Image, fmt: str) -> Encoded:
    """Return the image encoded with its pixels only: no EXIF, XMP, comment, text chunk or colour profile.

    Pillow carries a source's metadata along in `info` through every resize, and its JPEG writer
    copies a comment (COM marker) from there: a phone's or an editor's note would reach the web.
    """
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, **_SAVE[fmt])
    return Encoded(buffer.getvalue(), *image.size)
