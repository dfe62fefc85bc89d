"""The site's logo (site.yaml `logo`), made small for the header: a PNG that keeps its transparency."""

from __future__ import annotations

import io

from PIL import Image

from coursegen.images import pixels
from coursegen.images.derived import Encoded, Spec

LOGO_HEIGHT = 96  # pixels: shown 48 CSS pixels high at most (style.css), sharp on a screen of twice the density
LOGO_SPEC = Spec("logo", LOGO_HEIGHT, "png")


def render_logo(data: bytes, spec: Spec = LOGO_SPEC) -> Encoded:
    """Return the logo upright, in sRGB, fitted within 4 × spec.size by spec.size pixels, as a PNG with alpha.

    Unlike course images it is not flattened onto white: a logo sits on the header's colour,
    which is dark in dark mode.
    """
    with pixels._quiet(), Image.open(io.BytesIO(data)) as opened:
        orientation = pixels._orientation(opened)
        opened.load()
        profile = opened.info.get("icc_profile")
        image = opened.convert("RGBA")
    image = pixels._upright(pixels._in_srgb(image, profile), orientation)
    width, height = image.size
    scale = min(spec.size / height, 4 * spec.size / width, 1.0)  # never enlarged
    if scale < 1:
        image = image.resize((max(1, round(width * scale)), max(1, round(height * scale))),
                             Image.Resampling.LANCZOS, reducing_gap=3.0)
    image.info = {}  # no text chunk, EXIF or profile of the source reaches the web
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return Encoded(buffer.getvalue(), *image.size)
