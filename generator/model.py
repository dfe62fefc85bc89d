"""The validated catalog as frozen values: what every later stage reads and nobody changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from generator.content.settings import SiteConfig

if TYPE_CHECKING:
    from generator.images.publish import SourceImage


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


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything a build needs, validated: settings, categories, creators, courses by id, source images."""

    site: SiteConfig
    courses: tuple[Course, ...]
    categories: tuple[Category, ...]
    users: tuple[User, ...]
    images: dict[str, SourceImage] = field(default_factory=dict)  # authored path → checked source image
