"""Explicit, allow-listed shapes of the data each template sees.

Templates never receive a Course: a field added to the model later must not reach a page
unless it is added here, on purpose.
"""

from __future__ import annotations

from coursegen.images.publish import CourseImages, Picture
from coursegen.model import Category, Course, CourseType, Rendered, SiteConfig
from coursegen.privacy import ShownSection
from coursegen.site import syllabus
from coursegen.site.brand import brand_stylesheet
from coursegen.urls import category_path, course_path, link, type_path

SEARCH_INDEX = "search.json"
SEARCH_SCRIPT = "assets/search.js"


def site_view(site: SiteConfig, *, preview: bool, logo: Picture | None = None) -> dict:
    """Return what every template may know about the site, its brand (SPEC §8) included."""
    return {"title": site.title, "description": site.description, "language": site.language,
            "locale": og_locale(site.language),
            "home": site.base_path, "preview": preview,
            "search_index": site.base_path + SEARCH_INDEX, "search_script": site.base_path + SEARCH_SCRIPT,
            "feed": site.base_path + "feeds/open.feed.json",
            **brand_view(site, logo)}


def brand_view(site: SiteConfig, logo: Picture | None) -> dict:
    """Return the brand's values: each empty ("", [] or None) when site.yaml does not set it."""
    stylesheet = brand_stylesheet(site)
    return {
        "site_name": site.organization.name if site.organization else site.title,  # og:site_name
        "logo": {"src": site.base_path + logo.path, "width": logo.width, "height": logo.height} if logo else None,
        "nav": [{"title": item.title, "url": item.url} for item in site.nav],
        "footer_links": [{"title": item.title, "url": item.url} for item in site.footer_links],
        "footer_text": site.footer_text,
        "twitter_site": site.twitter_site,
        "brand_css": site.base_path + stylesheet[0] if stylesheet else "",
    }


def og_locale(language: str) -> str:
    """Return a BCP 47 tag as Open Graph's locale wants it, language_TERRITORY: "zh-Hant-TW" → "zh_TW"."""
    language, *subtags = language.split("-")
    territory = next((tag for tag in subtags if (len(tag) == 2 and tag.isalpha()) or (len(tag) == 3 and tag.isdigit())),
                     "")
    return language.lower() + (f"_{territory.upper()}" if territory else "")


def category_link(category: Category, site: SiteConfig) -> dict:
    return {"name": category.name, "url": link(site.base_path, category_path(category.slug))}


def creator_view(course: Course) -> dict:
    user = course.created_by
    return {"name": user.real_name or user.username, "username": user.username}


# What the browser needs to choose a file before layout: the width each image is shown at.
CARD_SIZES = "(min-width: 72rem) 17rem, (min-width: 36rem) 50vw, 100vw"
PAGE_SIZES = "(min-width: 24rem) 20rem, 100vw"
LOCK_SIZES = "10rem"


def picture_view(images: CourseImages, site: SiteConfig, sizes: str) -> dict | None:
    """Return a course's squares as a responsive picture (WebP and JPEG srcsets), or None without an image."""
    if not images.squares:
        return None
    by_width = {jpeg.width: (jpeg, webp) for _, jpeg, webp in reversed(images.squares)}  # smallest first
    shown = {name: jpeg for name, jpeg, _ in images.squares}.get("medium", images.squares[-1][1])
    return {
        "src": site.base_path + shown.path,
        "srcset": ", ".join(f"{site.base_path}{jpeg.path} {w}w" for w, (jpeg, _) in by_width.items()),
        "webp_srcset": ", ".join(f"{site.base_path}{webp.path} {w}w" for w, (_, webp) in by_width.items()),
        "sizes": sizes,
        "width": shown.width,
        "height": shown.height,
    }


def course_card(course: Course, site: SiteConfig, listed_slugs: frozenset[str], images: CourseImages, *,
                preview: bool) -> dict:
    """Return a listed course as a card in the catalog and on category pages."""
    return {
        "image": picture_view(images, site, CARD_SIZES),
        "name": course.name,
        "url": link(site.base_path, course_path(course.slug)),
        "type": course.type.label,
        "type_url": link(site.base_path, type_path(course.type.value)),
        "categories": [category_link(c, site) for c in course.categories if c.slug in listed_slugs],
        "member_count": None if course.hide_member_count else course.member_count,
        "avg_completion_rate": course.avg_completion_rate,
        **syllabus.card_facts(course, site, preview=preview),
    }


def course_page(course: Course, site: SiteConfig, rendered: Rendered, listed_slugs: frozenset[str],
                images: CourseImages, sections: tuple[ShownSection, ...], *, draft: bool, preview: bool) -> dict:
    """Return an open (or, in previews, draft) course's full page: what its card shows, and all the rest.

    `sections` are privacy.shown_sections of the course's, as the preview or not shows them.
    """
    return {
        **course_card(course, site, listed_slugs, images, preview=preview),
        "image": picture_view(images, site, PAGE_SIZES),
        "type_explanation": course.type.explanation,
        "creator": creator_view(course),
        "description_html": rendered.description_html,
        "created_at": html_datetime(course.created_at),
        "created_date": course.created_at[:10],
        "draft": draft,
        "syllabus": syllabus.syllabus_view(course, site, sections),
        "facts": syllabus.facts_view(course, site),
        "join_url": syllabus.join_url(course, site),
    }


def html_datetime(created_at: str) -> str:
    """Return an RFC 3339 date-time as HTML's <time datetime> takes it: "T" and "Z" in capitals, at most
    three digits of a second's fraction (RFC 3339 allows "t", "z" and any number; HTML does not)."""
    value = created_at.upper()
    if "." in value:
        whole, rest = value.split(".", 1)
        digits = len(rest) - len(rest.lstrip("0123456789"))
        value = whole + "." + rest[:min(digits, 3)] + rest[digits:]
    return value


def lock_page(course: Course, site: SiteConfig, description: str, images: CourseImages) -> dict:
    """Return a private course's lock screen: the Course Minimal subset (its image included), and where to
    ask to join (joining a private course is a request in the model). Nothing else: no syllabus, price,
    level or workload, not even a count."""
    return {
        "name": course.name,
        "image": picture_view(images, site, LOCK_SIZES),
        "type": course.type.label,
        "creator": creator_view(course),
        "categories": [c.name for c in course.categories],  # text only: no link to a page that may not exist
        "description": description,
        "request_url": syllabus.join_url(course, site),
    }


def filters_view(site: SiteConfig, types: list[CourseType], categories: list[Category], *,
                 current_type: str = "", current_category: str = "") -> dict:
    """Return the filter links of listing pages: every type and category that has a listed course."""
    return {
        "all_url": site.base_path,
        "current_type": current_type,
        "current_category": current_category,
        "types": [{"value": t.value, "name": t.label, "url": link(site.base_path, type_path(t.value)),
                   "current": t.value == current_type} for t in types],
        "categories": [{**category_link(c, site), "slug": c.slug, "current": c.slug == current_category}
                       for c in categories],
    }


def search_entry(course: Course, site: SiteConfig, listed_slugs: frozenset[str], summary: str) -> dict:
    """Return one listed course as the public search index knows it: what its card shows, and a summary."""
    return {
        "name": course.name,
        "url": link(site.base_path, course_path(course.slug)),
        "type": course.type.value,
        "type_label": course.type.label,
        "categories": [{"name": c.name, "slug": c.slug} for c in course.categories if c.slug in listed_slugs],
        "summary": summary,
        "member_count": None if course.hide_member_count else course.member_count,
        "avg_completion_rate": course.avg_completion_rate,
    }
