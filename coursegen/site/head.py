"""Titles, descriptions, Open Graph and JSON-LD values, with the fallbacks of SPEC section 3."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coursegen.content.rules import is_absolute_url
from coursegen.model import Course, CourseType, SiteConfig
from coursegen.privacy import ShownSection
from coursegen.site import formats
from coursegen.site.syllabus import language_tag, level_label, prices
from coursegen.words import counted

DEFAULT_IMAGE_PATH = "assets/og-default.png"  # shipped with the generator, copied into every site
DEFAULT_IMAGE_SIZE = (1200, 630)
LOCK_DESCRIPTION = "An invite-only course. Only invited members can see its content."


@dataclass(frozen=True, slots=True)
class EffectiveMeta:
    """The model's meta and Open Graph fields after every fallback: never empty."""

    meta_title: str
    meta_description: str
    og_title: str
    og_description: str
    og_image: str  # absolute URL


@dataclass(frozen=True, slots=True)
class PageHead:
    """Everything a page's <head> says about it; templates only print these values."""

    title: str
    description: str
    canonical: str
    og_type: str
    og_title: str
    og_description: str
    og_image: str
    og_image_alt: str
    robots: str = ""  # "" means indexable
    image_width: int | None = None
    image_height: int | None = None

    def values(self) -> dict:
        """Return the head as the plain dict templates see (dataclasses.asdict copies deeply: 60 µs a page)."""
        return {name: getattr(self, name) for name in self.__slots__}


def effective_meta(course: Course, site: SiteConfig, excerpt: str, og_image: str) -> EffectiveMeta:
    """Apply the fallbacks: og_title → meta_title → name; og_description → meta_description → excerpt.

    `og_image` is the course's own image URL as images.py published it ("" for none): the authored
    og_image, else the social card generated from image_original; then the site's default image.
    """
    meta_title = course.meta_title or course.name
    meta_description = course.meta_description or excerpt or course.name
    return EffectiveMeta(
        meta_title=meta_title,
        meta_description=meta_description,
        og_title=course.og_title or meta_title,
        og_description=course.og_description or meta_description,
        og_image=og_image or default_image(site),
    )


def lock_description(course: Course) -> str:
    """Return what a private course's lock screen may say: only what the editor wrote for sharing."""
    return course.og_description or course.meta_description or LOCK_DESCRIPTION


def absolute_image(site: SiteConfig, value: str) -> str:
    """Return an authored image reference as an absolute URL ("" stays "")."""
    if not value or is_absolute_url(value):
        return value
    return site.base_url + value.lstrip("/")


def default_image(site: SiteConfig) -> str:
    """Return the catalog's fallback og:image: site.yaml's default_image, else the shipped one."""
    return absolute_image(site, site.default_image) or site.base_url + DEFAULT_IMAGE_PATH


_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides and isolates


def page_title(title: str, site: SiteConfig) -> str:
    """Return a <title>: the page's own title, then the site's name.

    A title holding bidi controls is isolated (U+2068 … U+2069): an override left open in a
    course name would otherwise turn the site's name around too.
    """
    if title == site.title:
        return title
    if _BIDI_CONTROL.search(title):
        title = f"\u2068{title}\u2069"
    return f"{title} · {site.title}"


def course_jsonld(course: Course, site: SiteConfig, url: str, description: str, image: str,
                  sections: tuple[ShownSection, ...]) -> dict:
    """Return schema.org Course JSON-LD for an open course page (Google's Course info and Course list).

    Only what the page shows (`sections` as privacy.shown_sections gave them to the page): every
    course here is taken online, so one CourseInstance says so; a course without paywalls is free.
    Nothing the model does not know (ratings, a schedule beyond the first section's date) is invented.
    """
    creator = {"@type": "Person", "name": course.created_by.real_name or course.created_by.username}
    instance = {"@type": "CourseInstance", "courseMode": "online", "instructor": [creator]}
    if course.workload:
        instance["courseWorkload"] = course.workload
    if course.type is CourseType.SCHEDULED and sections and sections[0].section.dripped_at:
        instance["startDate"] = sections[0].section.dripped_at
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url,
        "name": course.name,
        "description": description,
        "url": url,
        "courseCode": course.slug,
        "image": image,
        "inLanguage": language_tag(course, site),
        "dateCreated": course.created_at,
        "creator": creator,
        "provider": provider_jsonld(site),
        "about": [category.name for category in course.categories],
    }
    if course.level is not None:
        data["educationalLevel"] = level_label(course)
    if sections:
        data["syllabusSections"] = [{"@type": "Syllabus", "name": shown.section.name,
                                     "description": counted(len(shown.lessons), "lesson")} for shown in sections]
    data["offers"] = offers_jsonld(course)
    data["hasCourseInstance"] = [instance]
    return data


BILLING_DURATIONS = {"week": "P1W", "month": "P1M", "year": "P1Y"}  # ISO 8601, schema.org's billingDuration


def offers_jsonld(course: Course) -> list[dict]:
    """Return a course's prices as schema.org Offers: category Free, Paid (once) or Subscription."""
    found = prices(course)
    if not found:
        return [{"@type": "Offer", "category": "Free", "price": "0"}]
    offers = []
    for price in found:
        amount = str(formats.major_amount(price.unit_amount, price.currency))
        offer = {"@type": "Offer", "category": "Subscription" if price.recurring_interval else "Paid",
                 "price": amount, "priceCurrency": price.currency}
        if price.recurring_interval:
            offer["priceSpecification"] = {"@type": "UnitPriceSpecification", "price": amount,
                                           "priceCurrency": price.currency,
                                           "billingDuration": BILLING_DURATIONS[price.recurring_interval]}
        offers.append(offer)
    return offers


def provider_jsonld(site: SiteConfig) -> dict:
    """Return who offers the courses: site.yaml's organization (its logo, else the site's), else the site itself.

    site.logo is the published file's path by now (images.publish_images replaced the authored one).
    """
    organization = site.organization
    if organization is None:
        return {"@type": "Organization", "name": site.title, "sameAs": site.base_url, "url": site.base_url}
    provider = {"@type": "Organization", "name": organization.name, "url": organization.url or site.base_url}
    logo = organization.logo or (site.base_url + site.logo if site.logo else "")
    if logo:
        provider["logo"] = logo
    return provider


def item_list_jsonld(urls: list[str], first_position: int = 1) -> dict:
    """Return schema.org ItemList JSON-LD of course page URLs, for a catalog page (Google's Course list)."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [{"@type": "ListItem", "position": first_position + n, "url": url}
                            for n, url in enumerate(urls)],
    }
