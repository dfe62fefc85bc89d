"""Branding rules of site.yaml (SPEC §8): an accent colour readable on white, links a page may print, absolute URLs.

WCAG 2's contrast ratio lives here because both phase one (refusing an accent colour) and the
site stage (the colours derived from it for light and dark pages) need it.
"""

from __future__ import annotations

from collections.abc import Iterator

from coursegen.content.rules import Problem, is_absolute_url, url_problem, visible

WHITE = "#ffffff"
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text


def relative_luminance(colour: str) -> float:
    """Return WCAG 2's relative luminance of a #rrggbb colour: 0 for black, 1 for white."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """Return WCAG 2's contrast ratio of two #rrggbb colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def brand_problems(data: dict) -> Iterator[Problem]:
    """Yield every branding rule a schema-valid site.yaml breaks (the logo's file is checked with the images)."""
    accent = data.get("accent_color")
    if accent is not None:
        ratio = contrast_ratio(accent, WHITE)
        if ratio < MIN_CONTRAST:
            yield Problem(("accent_color",), f"expected a colour with a contrast of at least {MIN_CONTRAST}:1 against "
                                             f"white (WCAG AA), found {accent} at {_floor(ratio)}:1")
    for list_name in ("nav", "footer_links"):
        for index, item in enumerate(data.get(list_name, ())):
            yield from _link(item, (list_name, index))
    organization = data.get("organization")
    if organization is not None:
        if not visible(organization["name"]):
            yield Problem(("organization", "name"), "expected a name with at least one visible character, "
                                                     "found only invisible ones")
        for name in ("url", "logo"):
            if name in organization:
                yield from _absolute(("organization", name), organization[name])
    footer_text = data.get("footer_text")
    if footer_text is not None and not visible(footer_text):
        yield Problem(("footer_text",), "expected text with at least one visible character, found only invisible ones")


def _floor(ratio: float) -> str:
    """Return the ratio with two decimals, rounded down: 4.499 is never shown as a passing 4.50."""
    return f"{int(ratio * 100) / 100:.2f}"


def _link(item: dict, keys: tuple) -> Iterator[Problem]:
    if not visible(item["title"]):
        yield Problem((*keys, "title"), "expected a title with at least one visible character, found only invisible ones")
    url = item["url"]
    expected = 'expected an absolute http(s) URL or a path on this site starting with "/" (such as "/about/")'
    if url.startswith("/") and not url.startswith("//"):
        if not url.isprintable() or "\\" in url:
            yield Problem((*keys, "url"), f"{expected}, but it holds a backslash or an invisible character")
        return
    if url.startswith("//"):
        yield Problem((*keys, "url"), f"{expected}, found {url!r}, which names another host without a scheme")
    elif not is_absolute_url(url):
        scheme = url.split(":", 1)[0] + ":" if ":" in url else ""
        found = f"the {scheme} URL {url!r}" if scheme else f"{url!r}"
        yield Problem((*keys, "url"), f"{expected}, found {found}")
    else:
        problem = url_problem(url)
        if problem:
            yield Problem((*keys, "url"), f"{expected}, but {problem}")


def _absolute(keys: tuple, value: str) -> Iterator[Problem]:
    problem = url_problem(value)
    if problem:
        yield Problem(keys, f"expected an absolute http(s) URL such as \"https://example.org/\", but {problem}")
