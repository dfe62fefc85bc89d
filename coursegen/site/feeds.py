"""Feeds: the model feeds per privacy level (API list envelope) and a JSON Feed 1.1 for readers.

Every model feed item is built from an allow-list of the Course Dashboard's fields and
validated against the dashboard schema before it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import orjson

from coursegen.content.schema import check_instance, load_schema
from coursegen.images.publish import CourseImages, ImageSet
from coursegen.issues import CoursegenError
from coursegen.jsontext import nested, with_list
from coursegen.model import Catalog, Course, Rendered, User
from coursegen.privacy import is_public_feed_item, restricted_feed
from coursegen.site.descriptions import CourseDescriptions
from coursegen.site.head import effective_meta
from coursegen.urls import absolute_url, course_path

RESTRICTED_FEEDS = ("private", "secret", "draft")


def user_minimal(user: User) -> dict:
    """Return exactly the model's User Minimal."""
    return {"id": user.id, "username": user.username, "real_name": user.real_name, "avatar": user.avatar,
            "community_badge": user.community_badge, "deleted": user.deleted}


def dashboard_item(course: Course, catalog: Catalog, rendered: Rendered, images: CourseImages) -> dict:
    """Return the course exactly as the Course Dashboard model defines it, for an anonymous viewer.

    Image URLs are those of files this build publishes: a secret or draft course has none ("").
    """
    site = catalog.site
    effective = effective_meta(course, site, rendered.excerpt, images.og_image(site.base_url)[0])
    urls = images.model_urls(site.base_url)
    return {
        "id": course.id,
        "name": course.name,
        "slug": course.slug,
        "type": course.type.value,
        "privacy": course.privacy.value,
        "hide_member_count": course.hide_member_count,
        "meta_title": effective.meta_title,
        "meta_description": effective.meta_description,
        "og_title": effective.og_title,
        "og_description": effective.og_description,
        "og_image": effective.og_image,
        "image_bigger": urls["image_bigger"],
        "image_big": urls["image_big"],
        "image_medium": urls["image_medium"],
        "image_small": urls["image_small"],
        "deleted": course.deleted,
        "join_status": None,  # feeds show an anonymous viewer
        "user_completion_rate": 0,
        "created_at": course.created_at,
        "created_by": user_minimal(course.created_by),
        "categories": [{"id": c.id, "name": c.name, "slug": c.slug} for c in course.categories],
        "avg_completion_rate": course.avg_completion_rate,
    }


def checked(item: dict, schema: str = "dashboard") -> dict:
    """Return the item after proving it matches the schema (a feed item's, or a detail document's); a mismatch is our bug."""
    problems = check_instance(item, schema)
    if problems:
        raise CoursegenError(f"internal error: the {schema} document of course {item.get('id')} does not match "
                             f"its schema ({load_schema(schema)['title']}): {'; '.join(problems)}")
    return item


@dataclass(frozen=True, slots=True)
class FeedFile:
    """A feed file planned but not assembled: what decides its bytes, and how to make them.

    `inputs` are its envelope and the course key of each of its items (cache.course_key), so a
    rebuild after one edit reassembles only the pages that hold the edited course; the others
    are taken from the last build's output as they are.
    """

    inputs: bytes
    make: Callable[[], bytes]


def feed_files(catalog: Catalog, listed: tuple[Course, ...], rendered: CourseDescriptions, images: ImageSet,
               keys: dict[int, bytes]) -> dict[str, FeedFile]:
    """Return every feed file keyed by output path: the model feeds of each privacy level and the JSON Feed.

    `listed` are the courses the public lists show (privacy.listed_courses): the JSON Feed's.
    """
    item = partial(_model_item, catalog=catalog, rendered=rendered, images=images)
    groups: dict[str, list[Course]] = {"open": [], **{name: [] for name in RESTRICTED_FEEDS}}
    for course in catalog.courses:  # already ordered by id
        name = "open" if is_public_feed_item(course) else restricted_feed(course)
        if name is not None:
            groups[name].append(course)
    files = {}
    for name, group in groups.items():
        folder = "public/feeds" if name == "open" else "restricted/feeds"
        # Public pages link by absolute URL; restricted files are never served, so they link by file name.
        base = catalog.site.base_url + "feeds/" if name == "open" else ""
        files.update(_paged_feed(folder, name, group, catalog.site.feed_page_size, base, keys, item, rendered))
    files.update(_json_feed(catalog, listed, rendered, keys, item))
    return files


def _model_item(course: Course, catalog: Catalog, rendered: CourseDescriptions, images: ImageSet) -> dict:
    """Return a course's model item, checked against the schema.

    It is made afresh for each feed that holds it: keeping every item for the JSON Feed would
    hold the whole catalog's feed in memory, and save little (parsing a serialised item back
    costs about as much as making it: 7 against 10 µs).
    """
    return checked(dashboard_item(course, catalog, rendered[course.id], images.of(course)))


def _paged_feed(folder: str, name: str, courses: list[Course], size: int, base: str, keys: dict[int, bytes],
                item: Callable[[Course], dict], rendered: CourseDescriptions) -> dict[str, FeedFile]:
    pages = [courses[i:i + size] for i in range(0, len(courses), size)] or [[]]
    file_names = [f"{name}.json" if n == 0 else f"{name}-{n + 1}.json" for n in range(len(pages))]
    files = {}
    for n, page in enumerate(pages):
        envelope = {
            "count": len(courses),
            "next": base + file_names[n + 1] if n + 1 < len(pages) else None,
            "previous": base + file_names[n - 1] if n > 0 else None,
        }
        files[f"{folder}/{file_names[n]}"] = FeedFile(
            _inputs(envelope, page, keys), lambda envelope=envelope, page=page: with_list(
                envelope, "results", [nested(item(course), depth=2) for course in _prefetched(page, rendered)]))
    return files


JSON_FEED = "public/feeds/open.feed.json"


def _json_feed(catalog: Catalog, listed: tuple[Course, ...], rendered: CourseDescriptions, keys: dict[int, bytes],
               item: Callable[[Course], dict]) -> dict[str, FeedFile]:
    """Return the JSON Feed 1.1 of the listed courses, newest first, with the model item in `_course`.

    It is paged like the model feeds (feed_page_size items a file), each page pointing at the
    next with JSON Feed's own `next_url`: a reader fetches the newest items, not a file of every
    description in the catalog.
    """
    site = catalog.site
    # By the instant, not the text: "2025-03-14T09:00:00+02:00" is before "2025-03-14T08:00:00Z".
    newest_first = sorted(listed, key=lambda c: (_instant(c.created_at), c.id), reverse=True)
    head = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": site.base_url,
        "feed_url": site.base_url + "feeds/open.feed.json",  # the feed's identity, on every page
        "description": site.description,
        "language": site.language,
    }
    size = site.feed_page_size
    pages = [newest_first[start:start + size] for start in range(0, len(newest_first), size)] or [[]]
    paths = [JSON_FEED] + [JSON_FEED.replace(".feed.json", f".feed-{n}.json") for n in range(2, len(pages) + 1)]
    files = {}
    for number, page in enumerate(pages):
        last = number + 1 == len(pages)
        page_head = head if last else {**head, "next_url": site.base_url + paths[number + 1].removeprefix("public/")}
        files[paths[number]] = FeedFile(
            _inputs(page_head, page, keys), lambda page_head=page_head, page=page: with_list(
                page_head, "items", [_feed_item(course, site, rendered, item(course))
                                     for course in _prefetched(page, rendered)]))
    return files


def _instant(created_at: str) -> float:
    """Return an RFC 3339 date-time (validated on the way in) as seconds since the epoch."""
    return datetime.fromisoformat(created_at.replace("z", "Z").replace("t", "T")).timestamp()


def _prefetched(page: list[Course], rendered: CourseDescriptions) -> list[Course]:
    """Return a feed page's courses, their descriptions read at once (a query, not one each, in a large catalog)."""
    rendered.prefetch(course.id for course in page)
    return page


def _inputs(envelope: dict, courses: list[Course], keys: dict[int, bytes]) -> bytes:
    """Return what decides a feed page's bytes: its envelope and its items' course keys (all of one length)."""
    return orjson.dumps(envelope) + b"".join(keys[course.id] for course in courses)


def _feed_item(course: Course, site, rendered: CourseDescriptions, model: dict) -> bytes:
    """Return one course as a JSON Feed item, nested as it stands in the feed."""
    item = {
        "id": str(course.id),  # JSON Feed: unchanged for the item's life; a slug, and so its URL, may change
        "url": absolute_url(site.base_url, course_path(course.slug)),
        "title": course.name,
        "content_html": rendered[course.id].description_html,
        "summary": model["meta_description"],
        "image": model["og_image"],
        "date_published": course.created_at,
        "authors": [{"name": course.created_by.real_name or course.created_by.username}],
        "tags": [c.name for c in course.categories],
        "_course": model,  # exactly the Course Dashboard item, as in open.json
    }
    return nested(item, depth=2)


