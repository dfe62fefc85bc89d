"""Draw the example catalog's course images into content/images/: gradients, shapes and a word each.

    python scripts/make_example_images.py [--out content/images]

Deterministic (no clock, seeded randomness), so running it again changes no byte. The sources are
large enough (at least 1024 pixels on the shorter side) for every default size without a warning,
and include a transparent PNG, a wide and a tall image, so the example exercises cropping and
flattening.
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from coursegen.images.pixels import font

JPEG = {"quality": 80, "optimize": True, "progressive": True}


def gradient(size: tuple[int, int], top: tuple, bottom: tuple, *, horizontal: bool = False) -> Image.Image:
    """Return an RGB image fading from `top` to `bottom`."""
    mask = Image.linear_gradient("L").resize(size)
    if horizontal:
        mask = mask.rotate(90, expand=True).resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def label(image: Image.Image, text: str, xy: tuple[int, int], size: int, fill=(255, 255, 255)) -> None:
    draw = ImageDraw.Draw(image)
    face = font(size)
    draw.text((xy[0] + 4, xy[1] + 4), text, font=face, fill=(0, 0, 0, 90))
    draw.text(xy, text, font=face, fill=fill)


def sunset() -> Image.Image:
    """Mountains against an orange-to-violet sky: a wide image (cropped to its middle)."""
    image = gradient((1800, 1100), (255, 170, 90), (120, 60, 150))
    draw = ImageDraw.Draw(image)
    draw.ellipse((760, 420, 1040, 700), fill=(255, 226, 140))
    draw.polygon([(0, 1100), (0, 760), (380, 520), (700, 800), (1050, 560), (1400, 820), (1800, 600), (1800, 1100)],
                 fill=(70, 40, 90))
    draw.polygon([(0, 1100), (0, 900), (500, 760), (900, 940), (1300, 780), (1800, 920), (1800, 1100)],
                 fill=(40, 25, 60))
    label(image, "Landscapes", (560, 270), 100)
    return image


def ocean() -> Image.Image:
    """Layered waves in blues."""
    image = gradient((1400, 1400), (150, 215, 240), (10, 60, 120))
    draw = ImageDraw.Draw(image)
    for row in range(9):
        base = 520 + row * 100
        points = [(x, base + 34 * math.sin(x / 90 + row)) for x in range(0, 1401, 20)]
        shade = (20 + row * 8, 90 + row * 12, 170 - row * 6)
        draw.polygon(points + [(1400, 1400), (0, 1400)], fill=shade)
    label(image, "Ocean Science", (250, 380), 110)
    return image


def code() -> Image.Image:
    """Rounded bars like syntax-highlighted lines on a dark editor: a tall image."""
    image = gradient((1100, 1500), (28, 30, 44), (18, 20, 30))
    draw = ImageDraw.Draw(image)
    colours = [(120, 200, 255), (255, 140, 180), (170, 230, 140), (255, 210, 120), (190, 160, 255)]
    rng = random.Random(4)
    for line in range(18):
        x = 110 + 60 * rng.randint(0, 3)
        for _ in range(rng.randint(1, 4)):
            width = rng.randint(60, 260)
            if x + width > 1000:
                break
            draw.rounded_rectangle((x, 420 + line * 56, x + width, 450 + line * 56), 14, fill=rng.choice(colours))
            x += width + 24
    label(image, "def learn():", (110, 290), 96, fill=(230, 230, 240))
    return image


def vinyl() -> Image.Image:
    """A record and notes on a warm gradient."""
    image = gradient((1300, 1300), (250, 90, 80), (250, 190, 70), horizontal=True)
    draw = ImageDraw.Draw(image)
    for radius in range(460, 120, -18):
        tone = 20 + (radius // 18) % 2 * 14
        draw.ellipse((650 - radius, 650 - radius, 650 + radius, 650 + radius), fill=(tone, tone, tone))
    draw.ellipse((530, 530, 770, 770), fill=(255, 240, 220))
    draw.ellipse((638, 638, 662, 662), fill=(30, 30, 30))
    for x, y in ((140, 1000), (1070, 980), (1120, 300)):
        draw.ellipse((x, y, x + 70, y + 52), fill=(40, 20, 30))
        draw.rectangle((x + 58, y - 150, x + 70, y + 26), fill=(40, 20, 30))
    label(image, "Jazz", (50, 300), 110)
    return image


def mosaic() -> Image.Image:
    """Triangles in a green palette, softly blurred at the edges."""
    rng = random.Random(7)
    palette = [(36, 123, 160), (112, 193, 179), (178, 219, 191), (243, 255, 189), (255, 22, 84)]
    image = Image.new("RGB", (1200, 1200))
    draw = ImageDraw.Draw(image)
    step = 150
    for y in range(0, 1200, step):
        for x in range(0, 1200, step):
            draw.polygon([(x, y), (x + step, y), (x, y + step)], fill=rng.choice(palette))
            draw.polygon([(x + step, y), (x + step, y + step), (x, y + step)], fill=rng.choice(palette))
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    label(image, "Data & Design", (130, 530), 110)
    return image


def badge() -> Image.Image:
    """A star badge on a transparent background: the PNG the generator flattens onto white."""
    image = Image.new("RGBA", (1200, 1200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 100, 1100, 1100), fill=(46, 94, 170, 255))
    draw.ellipse((170, 170, 1030, 1030), fill=(66, 133, 230, 255))
    points = [(600 + (380 if i % 2 == 0 else 160) * math.sin(i * math.pi / 5),
               600 - (380 if i % 2 == 0 else 160) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(points, fill=(255, 214, 90, 255))
    label(image, "Café", (490, 880), 80)
    return image


def logo() -> Image.Image:
    """The example site's logo (site.yaml `logo`): an open book on a rounded square in the accent colour,
    transparent around it, so that it sits on the header's light and dark backgrounds alike."""
    image = Image.new("RGBA", (192, 192), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 184, 184), 40, fill=(11, 110, 79, 255))  # accent_color #0b6e4f
    for side in (-1, 1):  # two pages, bowed from the spine at x = 96
        outer = 96 + side * 64
        draw.polygon([(96, 62), (outer, 50), (outer, 138), (96, 150)], fill=(255, 255, 255, 255))
        for row in range(4):  # lines of text on each page
            y = 72 + row * 16
            draw.line([(96 + side * 12, y + 4), (96 + side * 52, y - 3)], fill=(11, 110, 79, 255), width=5)
    draw.line([(96, 58), (96, 152)], fill=(8, 77, 55, 255), width=4)
    return image


IMAGES = {"landscapes.jpg": sunset, "ocean.jpg": ocean, "code.jpg": code, "jazz.jpg": vinyl,
          "mosaic.jpg": mosaic, "badge.png": badge, "logo.png": logo}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("content/images"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, draw in IMAGES.items():
        image = draw()
        target = args.out / name
        if name.endswith(".png"):
            image.save(target, optimize=True)
        else:
            image.save(target, **JPEG)
        print(f"{target}: {image.width}×{image.height}, {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
