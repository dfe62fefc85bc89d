"""The validated catalog as frozen values: what every later stage reads and nobody changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Privacy(str, Enum):
    """The model's privacy levels; the empty string is a draft."""

    DRAFT = ""
    OPEN = "open"
    PRIVATE = "private"
    SECRET = "secret"


class CourseType(str, Enum):
    """The model's course types, with the model's own explanation of each."""

    SELF_PACED = "self-paced"
    STRUCTURED = "structured"
    SCHEDULED = "scheduled"

    @property
    def explanation(self) -> str:
        return _TYPE_EXPLANATIONS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()  # "Self-paced", "Structured", "Scheduled"


_TYPE_EXPLANATIONS = {
    CourseType.SELF_PACED: "Course starts when a member enrolls. All contents are available immediately.",
    CourseType.STRUCTURED: "Course starts when a member enrolls. Sections are dripped relative to their enrollment date.",
    CourseType.SCHEDULED: "Course starts on a specific date. Sections are dripped relative to that date.",
}


@dataclass(frozen=True, slots=True)
class ImageSizes:
    """Side in pixels of each squared image the model defines (site.yaml `image_sizes`)."""

    bigger: int = 1024
    big: int = 512
    medium: int = 256
    small: int = 128

    def items(self) -> tuple[tuple[str, int], ...]:
        """Return (model size name, side) from the biggest name to the smallest."""
        return (("bigger", self.bigger), ("big", self.big), ("medium", self.medium), ("small", self.small))


@dataclass(frozen=True, slots=True)
class Link:
    """A link of the site's navigation or footer (site.yaml `nav`, `footer_links`)."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Organization:
    """Who runs the catalog (site.yaml `organization`): JSON-LD provider and og:site_name."""

    name: str
    url: str = ""
    logo: str = ""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The catalog's settings; every absolute URL is built from base_url."""

    title: str
    base_url: str  # always ends with "/"
    language: str = "en"
    description: str = ""
    default_image: str = ""  # absolute URL or a path under content/images/; "" for the shipped image
    page_size: int = 24
    feed_page_size: int = 1000
    image_sizes: ImageSizes = ImageSizes()
    join_url: str = ""  # absolute URL template with {id} and {slug}; "" for no join link (SPEC §7)
    logo: str = ""  # a path under content/images/ (SPEC §8)
    accent_color: str = ""  # "#rrggbb", at least 4.5:1 against white; "" for the built-in colour
    nav: tuple[Link, ...] = ()
    footer_links: tuple[Link, ...] = ()
    footer_text: str = ""
    organization: Organization | None = None
    twitter_site: str = ""  # "@handle"

    base_path: str = "/"  # the path part of base_url ("/" or "/catalog/"): internal links start with it


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a readable source image is: its format and its size once EXIF orientation is applied."""

    format: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class SourceImage:
    """A source image that passed every check: where it is, its sha256 and what it holds."""

    path: str  # as authored, relative to the content directory: "images/cafe.jpg"
    file: Path
    digest: str
    info: SourceInfo


class Rendered(NamedTuple):
    """What rendering one course's description produced (markdown.render_with_excerpt); computed once per course."""

    description_html: str
    excerpt: str


NOT_RENDERED = Rendered("", "")  # for a course nothing shows the description of (privacy.needs_description)


@dataclass(frozen=True, slots=True)
class User:
    """A course creator, exactly the model's User Minimal."""

    id: int
    username: str
    real_name: str
    avatar: str = ""
    community_badge: bool = False
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Category:
    """A category courses are filed under, identified in URLs by its slug."""

    id: int
    name: str
    slug: str
    description: str = ""


class LessonType(str, Enum):
    LESSON = "lesson"
    QUIZ = "quiz"


class Level(str, Enum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Lesson(NamedTuple):
    """One lesson of a section, as the API's Course lists it (SPEC §7).

    Lesson and Section are NamedTuples, not frozen dataclasses like the rest: a page has dozens
    of them, and a frozen dataclass is made in three times the time. They are as immutable.
    """

    id: int
    name: str
    type: LessonType = LessonType.LESSON
    published: bool = True  # status: published (default) | draft


class Section(NamedTuple):
    """One section of the syllabus, in the order shown, with when it opens (SPEC §7).

    A build keeps a course's sections apart from the course (Syllabus), as rows of these fields in
    this order, a lesson's type as its value: [id, name, [[id, name, "quiz", true], …], drip_delay, dripped_at].
    """

    id: int
    name: str
    lessons: tuple[Lesson, ...] = ()
    drip_delay: int = 0  # structured courses: days after a member joins
    dripped_at: str = ""  # scheduled courses: RFC 3339, when it opens


class Syllabus(NamedTuple):
    """What a course carries of its syllabus: the key its sections are kept under, and their counts.

    The sections themselves are most of a course's size (8 KB for 50 lessons, 800 MB at 100,000
    courses), and only a course's own page and detail document read them: a build keeps them in
    its store by this key (incremental.store.SyllabusStore) and reads them there. The counts are
    what listings show without them, for members and for previews (privacy.shown_counts).
    """

    key: str = ""  # digest of the sections' rows (see Section); "" for a course without sections
    # What a member sees (published lessons, and the sections that have one), and what a preview
    # shows (drafts too). Four fields rather than two pairs: 130 bytes less a course.
    sections: int = 0
    lessons: int = 0
    previewed_sections: int = 0
    previewed_lessons: int = 0

    def counts(self, *, preview: bool) -> tuple[int, int]:
        """Return how many sections and lessons a page shows: a preview's, or a member's."""
        return (self.previewed_sections, self.previewed_lessons) if preview else (self.sections, self.lessons)


NO_SYLLABUS = Syllabus()


@dataclass(frozen=True, slots=True)
class Price:
    """One payment price: an amount in the currency's minor units, once or every interval."""

    unit_amount: int
    currency: str  # ISO 4217, upper case
    recurring_interval: str = ""  # "" (once) | week | month | year


@dataclass(frozen=True, slots=True)
class Paywall:
    """One of the API's payment products; a course with none is free."""

    name: str
    payment_prices: tuple[Price, ...] = ()


@dataclass(frozen=True, slots=True)
class Course:
    """One course as authored, with defaults applied and references resolved."""

    id: int
    name: str
    slug: str
    type: CourseType
    privacy: Privacy
    created_at: str
    created_by: User
    categories: tuple[Category, ...] = ()
    hide_member_count: bool = False
    meta_title: str = ""
    meta_description: str = ""
    og_title: str = ""
    og_description: str = ""
    og_image: str = ""
    image_original: str = ""
    deleted: bool = False
    avg_completion_rate: int = 0
    description_key: str = ""  # digest of the Markdown description; its rendering is looked up by it
    member_count: int | None = None
    source: str = ""  # the course file, relative to the content directory
    # What a learner decides on (SPEC §7): the syllabus, its order, and the facts catalogs compare.
    syllabus: Syllabus = NO_SYLLABUS
    enforce_lessons_order: bool = False
    language: str = ""  # BCP 47; "" for the site's language
    level: Level | None = None
    workload: str = ""
    paywalls: tuple[Paywall, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything a build needs, validated: settings, categories, creators, courses by id, source images."""

    site: SiteConfig
    courses: tuple[Course, ...]
    categories: tuple[Category, ...]
    users: tuple[User, ...]
    images: dict[str, SourceImage] = field(default_factory=dict)  # authored path → checked source image
