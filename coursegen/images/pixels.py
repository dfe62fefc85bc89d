"""Pixel work with Pillow, pure bytes in and bytes out: inspect a source, make squares and social images."""

from __future__ import annotations

import contextlib
import io
import math
import re
import warnings
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from coursegen.images.derived import SOURCE_FORMATS, Encoded, Spec
from coursegen.model import SourceInfo

MAX_PIXELS = 100_000_000  # 10,000 × 10,000: anything larger is refused as a possible decompression bomb
SOCIAL_SIZE = (1200, 630)
OG_MAX_WIDTH = 1200
FONT = Path(__file__).parent / "fonts" / "DejaVuSans-Bold.ttf"  # licence: fonts/LICENSE-DejaVu.txt
BACKGROUND = (255, 255, 255)  # transparency is flattened onto white: JPEG has no alpha channel
_SAVE = {"jpeg": {"format": "JPEG", "quality": 85, "optimize": True, "progressive": True},
         "webp": {"format": "WEBP", "quality": 80, "method": 4}}


def inspect(data: bytes) -> SourceInfo | str:
    """Return the image's format and oriented size, or why it cannot be used (decoding every pixel)."""
    try:
        with _quiet(), Image.open(io.BytesIO(data)) as image:
            if image.format not in SOURCE_FORMATS:
                return f"is {_article(image.format)} {image.format} image; expected JPEG, PNG, WebP or GIF"
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
    except ValueError as exc:
        if "MAX_TEXT_CHUNK" in str(exc):
            return ("holds a metadata text block that unpacks to more than 1 MB, refused as a possible "
                    "decompression bomb: save the image without its metadata")
        return f"is truncated or corrupt ({exc}); export it again"
    except (OSError, SyntaxError, EOFError) as exc:
        return f"is truncated or corrupt ({exc}); export it again"


def _bomb(claim: str) -> str:
    return (f"claims {claim}, more than the limit of {MAX_PIXELS // 1_000_000} megapixels: "
            f"refused as a possible decompression bomb")


def render(data: bytes, specs: list[Spec]) -> dict[Spec, Encoded]:
    """Return every requested derivative, each a function of the source and its own spec alone.

    A derivative's bytes must not depend on which others are made with it: they are cached and
    published under a name made of the source and the spec (images.derivative_key), and a build
    that makes one again (its cache entry gone, or another course's needs changed) must make the
    same bytes. So each spec's pixels come from the source decoded at the scale it needs (a JPEG
    decodes at 1/2, 1/4 or 1/8 cheaply), once per scale, and reduced by the factor it needs.
    """
    with _quiet(), Image.open(io.BytesIO(data)) as probe:
        size, jpeg = probe.size, probe.format in ("JPEG", "MPO")
    by_scale: dict[int, list[Spec]] = {}
    for spec in specs:
        by_scale.setdefault(_decode_scale(size, _need(spec)) if jpeg else 1, []).append(spec)
    made = {}
    for scale, group in sorted(by_scale.items()):
        with _quiet(), Image.open(io.BytesIO(data)) as opened:
            if scale > 1:
                opened.draft("RGB", (math.ceil(size[0] / scale), math.ceil(size[1] / scale)))
            orientation = _orientation(opened)
            opened.load()
            profile = opened.info.get("icc_profile")
            bases: dict[int, Image.Image] = {}  # reduction factor -> the upright sRGB pixels, reduced by it
            for spec in sorted(group, key=repr):
                factor = max(1, min(opened.size) // (2 * _need(spec)))
                if factor not in bases:
                    bases[factor] = _to_rgb(_in_srgb(_upright(_reduced(opened, factor), orientation), profile))
                made[spec] = _encode(_derived(bases[factor], spec), spec.format)
    return made


def _need(spec: Spec) -> int:
    """Return the shorter side, in pixels, that a derivative needs of its source."""
    if spec.kind == "square":
        return spec.size
    return SOCIAL_SIZE[1] if spec.kind == "social" else OG_MAX_WIDTH


def _decode_scale(size: tuple[int, int], need: int) -> int:
    """Return the largest JPEG decoding scale (1, 2, 4 or 8) that keeps the shorter side at `need` or more."""
    return next((scale for scale in (8, 4, 2) if min(size) // scale >= need), 1)


def _derived(image: Image.Image, spec: Spec) -> Image.Image:
    if spec.kind == "square":
        return _square(image, spec.size)
    if spec.kind == "social":
        return _social(image, *spec.text)
    return _fit(image, OG_MAX_WIDTH)


@contextlib.contextmanager
def _quiet():
    """Silence Pillow's warnings: MAX_PIXELS is checked explicitly, with a clearer message, and a warning about
    a source's EXIF block ("Corrupt EXIF data") names no image and changes nothing that is published."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (TypeError, ValueError):
        return 1


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """Return a copy shrunk by a whole factor (fast, box-filtered): Lanczos then works on a few
    megapixels, not on a 10,000-pixel PNG."""
    if "transparency" in image.info and image.mode in ("P", "RGB", "L"):
        image = image.convert("RGBA")  # a colour key (PNG's tRNS) becomes alpha before pixels are mixed
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
    if "transparency" in image.info and image.mode in ("P", "RGB", "L") or image.mode in ("PA", "LA", "La", "RGBa"):
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


def _fit(image: Image.Image, side: int) -> Image.Image:
    """Return the image fitted within side × side pixels (never enlarged): however long or tall, it stays an image."""
    width, height = image.size
    scale = min(side / width, side / height)
    if scale >= 1:
        return image
    fitted = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(fitted, Image.Resampling.LANCZOS, reducing_gap=3.0)


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
    """Return the longest start of `text` that fits `width` with an ellipsis (found by halving: a 20,000-character
    title measured one character less at a time took minutes)."""
    if draw.textlength(text, font=font) <= width:
        return text
    fits, too_long = 0, len(text)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if draw.textlength(text[:middle] + "…", font=font) <= width:
            fits = middle
        else:
            too_long = middle
    return text[:fits] + "…"


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


def _article(format_name: str) -> str:
    """Return "an" before a format name read letter by letter with a vowel sound (ICO, MPO, SGI), else "a"."""
    return "an" if format_name[:1] in "AEFHILMNORSX" else "a"
