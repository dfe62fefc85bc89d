"""The site's brand as pages show it: the accent colour's stylesheet for light and dark pages, and the logo.

site.yaml's accent_color has a contrast of at least 4.5:1 with white (phase one refuses less).
Pages put it on their light background and cards; in dark mode a lightened variant is used, and
each derived colour is moved towards black or white until it reaches 4.5:1 on the colour it sits
on, so a brand never makes the site less readable than the built-in colours do.
"""

from __future__ import annotations

import hashlib

from coursegen.content.brand import MIN_CONTRAST, contrast_ratio
from coursegen.model import SiteConfig

BRAND_FOLDER = "assets"
# The built-in style.css's backgrounds that links and tags sit on: light, then dark.
LIGHT_BACKGROUNDS = ("#f7f6f3", "#ffffff")
DARK_BACKGROUNDS = ("#121215", "#1b1b20")
BLACK, WHITE = "#000000", "#ffffff"


def mix(colour: str, other: str, share: float) -> str:
    """Return `colour` with `share` (0 to 1) of `other` mixed in, channel by channel in sRGB."""
    channels = (round(int(colour[i:i + 2], 16) * (1 - share) + int(other[i:i + 2], 16) * share) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)


def readable(colour: str, backgrounds: tuple[str, ...], towards: str) -> str:
    """Return the colour moved towards black or white, by 5% steps, until it reads at 4.5:1 on every background."""
    for step in range(21):
        candidate = mix(colour, towards, step / 20)
        if all(contrast_ratio(candidate, background) >= MIN_CONTRAST for background in backgrounds):
            return candidate
    return towards


def accent_palette(accent: str) -> dict[str, dict[str, str]]:
    """Return the CSS custom properties the accent colour sets, for light and for dark pages."""
    light = readable(accent.lower(), LIGHT_BACKGROUNDS, BLACK)
    light_tag = mix(accent.lower(), WHITE, 0.88)
    dark = readable(mix(accent.lower(), WHITE, 0.45), DARK_BACKGROUNDS, WHITE)
    dark_tag = mix(accent.lower(), DARK_BACKGROUNDS[0], 0.78)
    return {
        "light": {"--accent": light, "--accent-strong": mix(light, BLACK, 0.3), "--accent-fg": WHITE,
                  "--tag": light_tag, "--tag-fg": readable(mix(light, BLACK, 0.2), (light_tag,), BLACK)},
        "dark": {"--accent": dark, "--accent-strong": mix(dark, WHITE, 0.4), "--accent-fg": "#0b1320",
                 "--tag": dark_tag, "--tag-fg": readable(mix(dark, WHITE, 0.5), (dark_tag,), WHITE)},
    }


def brand_stylesheet(site: SiteConfig) -> tuple[str, bytes] | None:
    """Return the accent colour's stylesheet as (path under public/, bytes), named by its content; None without one.

    A file of its own rather than a <style> element: a Content-Security-Policy of `style-src 'self'`
    allows it, and no page needs a hash of it.
    """
    if not site.accent_color:
        return None
    palette = accent_palette(site.accent_color)

    def rule(properties: dict[str, str]) -> str:
        return ":root { " + " ".join(f"{name}: {value};" for name, value in properties.items()) + " }"

    css = (f"/* site.yaml accent_color: {site.accent_color.lower()} */\n{rule(palette['light'])}\n"
           f"@media (prefers-color-scheme: dark) {{\n  {rule(palette['dark'])}\n}}\n").encode()
    name = hashlib.blake2b(css, digest_size=6).hexdigest()
    return f"{BRAND_FOLDER}/brand.{name}.css", css
