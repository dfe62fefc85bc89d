"""Explicit, allow-listed shapes of the data each template sees.

Templates never receive a Course: a field added to the model later must not reach a page
unless it is added here, on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.config import SiteConfig
from generator.model import Category, Course, CourseType
from generator.urls import category_path, course_path, link, type_path

SEARCH_INDEX = "search.json"
SEARCH_SCRIPT = "assets/search.js"


@dataclass(frozen=True, slots=True)
class Rendered:
    """What rendering one course's description produced; computed once per course."""

    description_html: str
    excerpt: str


def site_view(site: SiteConfig, *, preview: bool) -> dict:
    """Return what every template may know about the site."""
    return {"title": site.title, "description": site.description, "language": site.language,
            "home": site.base_path, "preview": preview,
            "search_index": site.base_path + SEARCH_INDEX, "search_script": site.base_path + SEARCH_SCRIPT,
            "feed": site.base_path + "feeds/open.feed.json"}


def category_link(category: Category, site: SiteConfig) -> dict:
    return {"name": category.name, "url": link(site.base_path, category_path(category.slug))}


def creator_view(course: Course) -> dict:
    user = course.created_by
    return {"name": user.real_name or user.username, "username": user.username}


def course_card(course: Course, site: SiteConfig, listed_slugs: frozenset[str]) -> dict:
    """Return a listed course as a card in the catalog and on category pages."""
    return {
        "name": course.name,
        "url": link(site.base_path, course_path(course.slug)),
        "type": course.type.label,
        "type_url": link(site.base_path, type_path(course.type.value)),
        "categories": [category_link(c, site) for c in course.categories if c.slug in listed_slugs],
        "member_count": None if course.hide_member_count else course.member_count,
        "avg_completion_rate": course.avg_completion_rate,
    }


def course_page(course: Course, site: SiteConfig, rendered: Rendered, listed_slugs: frozenset[str],
                *, draft: bool) -> dict:
    """Return an open (or, in previews, draft) course's full page."""
    return {
        **course_card(course, site, listed_slugs),
        "type_explanation": course.type.explanation,
        "creator": creator_view(course),
        "description_html": rendered.description_html,
        "created_at": course.created_at,
        "created_date": course.created_at[:10],
        "draft": draft,
    }


def lock_page(course: Course, description: str) -> dict:
    """Return a private course's lock screen: the Course Minimal subset and nothing else."""
    return {
        "name": course.name,
        "type": course.type.label,
        "creator": creator_view(course),
        "categories": [c.name for c in course.categories],  # text only: no link to a page that may not exist
        "description": description,
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
