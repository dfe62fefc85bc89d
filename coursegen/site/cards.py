"""Course cards: one per listed course, rendered once and shown on every listing that holds it."""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import jinja2
import orjson
from markupsafe import Markup

from coursegen.images.publish import ImageSet
from coursegen.incremental.keys import card_key, kept, reuse
from coursegen.model import Catalog
from coursegen.privacy import listed_category_slugs, listed_courses
from coursegen.site import templating, views


def card_values(catalog: Catalog, images: ImageSet, keys: dict[int, bytes], known: dict[int, tuple[bytes, bytes]], *,
                preview: bool) -> dict[int, tuple[bytes, bytes]]:
    """Return (course key, serialised card values) of every listed course, by id.

    Listing pages are keyed by what their cards show, so that an edit a card does not show
    (a description) re-renders no listing. A card whose course key is unchanged is taken from
    `known`, the last build's result, as it is.
    """
    listed_slugs = listed_category_slugs(catalog, preview=preview)
    cards = {}
    for course in listed_courses(catalog, preview=preview):
        cards[course.id] = reuse(known, course.id, keys[course.id], lambda: kept(orjson.dumps(
            views.course_card(course, catalog.site, listed_slugs, images.of(course), preview=preview))))
    return cards


def make_environment(user_templates: Path | None, compiled: Path | None = None) -> templating.Environment:
    """Return the sandboxed template environment, with `card(course)` for listing templates (Cards)."""
    env = templating.make_environment(user_templates, compiled)
    env.cards = Cards(env)

    @jinja2.pass_context
    def card(context, course: dict) -> Markup:
        return Markup(env.cards.render(course, context["site"])[1])

    env.globals["card"] = card  # a plain function: nothing of it is a way out of the sandbox
    return env


class Cards:
    """`card(course)` for templates: _card.html rendered once per distinct card and process.

    A listed course appears on the catalog, its type and each of its categories with the same
    card. A card sees `course` and `site` only, so that it can be rendered ahead, beside its
    course's page (PageJob.card), and handed to the processes that render the listings.
    """

    def __init__(self, env: templating.Environment):
        self.env = env
        # digest of the card values → HTML, or where a worker wrote it (CardFile.write)
        self.known: dict[bytes, str | tuple[str, int, int]] = {}

    def render(self, course: dict, site: dict) -> tuple[bytes, str]:
        """Return a card's key and HTML, rendering it unless this process knows it already."""
        key = card_key(course)
        html = self.known.get(key)
        if html is None:
            html = self.known[key] = templating.render(self.env, "_card.html", {"site": site, "course": course})
        elif type(html) is tuple:
            html = CardFile.read(*html)
        return key, html


class CardFile:
    """Cards that a worker rendered beside course pages, written to a file of its own for the listings.

    Sent back to the main process, the HTML of every listed course's card would stay there
    until the listings are rendered (45 MB at 100,000 courses); where it is written is enough.
    The processes that render the listings read each card from the file when a page shows it.
    """

    _open: dict[tuple[str, int], list] = {}  # (folder, pid) -> [path, descriptor, bytes written]
    _maps: dict[str, mmap.mmap] = {}  # files read, mapped

    @classmethod
    def write(cls, folder: str, html: str) -> tuple[str, int, int]:
        """Append a card to this process's file in `folder`; return its place (path, offset, length).

        The path is one string per file, so that the results of a chunk of pages carry it once.
        """
        written = cls._open.get((folder, os.getpid()))
        if written is None:
            path = os.path.join(folder, f"cards-{os.getpid()}.html")
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            written = cls._open[folder, os.getpid()] = [path, handle, 0]
        path, handle, offset = written
        data = html.encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]  # unbuffered: readable by others as soon as written
        written[2] = offset + len(data)
        return path, offset, len(data)

    @classmethod
    def read(cls, path: str, offset: int, length: int) -> str:
        mapped = cls._maps.get(path)
        if mapped is None:
            with open(path, "rb") as handle:
                mapped = cls._maps[path] = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return mapped[offset:offset + length].decode("utf-8")
