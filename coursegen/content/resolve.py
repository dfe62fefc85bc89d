"""Turn validated documents into a frozen Catalog, enforcing the rules that span files."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from coursegen.content.files import Document, locate
from coursegen.content.registry import Registry, located, name_key
from coursegen.content.syllabi import syllabus_of
from coursegen.issues import Issue
from coursegen.model import (
    Catalog,
    Category,
    Course,
    CourseType,
    Level,
    Paywall,
    Price,
    Privacy,
    SiteConfig,
    User,
)
from coursegen.urls import make_slug


class CourseResolver:
    """Resolve course documents one at a time: references, generated slugs, uniqueness across files.

    A build hands each document over as it is loaded and lets its data go, so that it holds
    one course file's dict at once rather than the catalog's (170 MB at 100,000 courses). Its
    sections never come here: the data holds their key and counts (content.syllabi).
    """

    def __init__(self, registry: Registry):
        self.registry = registry
        self.courses: list[Course] = []
        self.issues: list[Issue] = []
        # For each rule: key -> (display, path, whether the field is written) of the first file with it
        self._first_seen: dict[str, dict[object, tuple[str, str, bool]]] = {name: {} for name, _, _ in _UNIQUE}
        # slug (and ("id", id), ("name", name)) -> the first inline definition of a category
        # that categories.yaml does not define
        self.inline_categories: dict[str | tuple, _Inline] = {}
        # ("username", name) and ("id", id) -> the first inline creator that users.yaml does not define
        self.inline_creators: dict[tuple, _InlineCreator] = {}
        # Values many courses repeat (a workload, a language, a set of prices), each kept once:
        # 260 bytes a course of a catalog whose courses share them, 26 MB at 100,000 courses.
        self.shared: dict[object, object] = {}

    def add(self, document: Document) -> None:
        self.issues += self._uniqueness(document)
        course, problems = _course(document, self.registry, self.inline_categories, self.inline_creators, self.shared)
        self.issues += problems
        if course is not None:
            self.courses.append(course)

    def resolved(self) -> tuple[tuple[Course, ...], list[Issue]]:
        """Return the courses added, by id, and the issues found among them."""
        return tuple(sorted(self.courses, key=lambda c: c.id)), self.issues

    def _uniqueness(self, document: Document) -> list[Issue]:
        """Report each id, name (ignoring case) or slug of this course that an earlier file already uses."""
        issues = []
        for field_name, key_of, label in _UNIQUE:
            key = key_of(document.data)
            if not key:
                continue
            written = field_name in document.data
            display, path, other_written = self._first_seen[field_name].setdefault(
                key, (document.display, document.path, written))
            if path == document.path:
                continue
            # A generated slug has no line of its own: point at the name it came from.
            other_line, _ = locate(path, (field_name,) if other_written else ("name",))
            shown = key if field_name != "name" else document.data["name"].strip()
            issues.append(located(document, (field_name,) if written else ("name",),
                              f"{label.format(shown)} is already used by {display}:{other_line}; "
                              f"each course needs its own", field_name=field_name))
        return issues


@dataclass(frozen=True, slots=True)
class _Inline:
    """A category defined inline by a course file, and where: every other definition of its slug must equal it."""

    category: Category
    display: str
    path: str
    index: int  # its place in the file's categories, to locate it if another definition differs


@dataclass(frozen=True, slots=True)
class _InlineCreator:
    """A creator defined inline by a course file, and where: its username and its id each name it alone."""

    user: User
    display: str
    path: str


def assemble_catalog(site: SiteConfig, registry: Registry, courses: tuple[Course, ...], images: dict) -> Catalog:
    """Return the frozen catalog; its categories are those the courses use, by name.

    Each slug has one definition (catalog rules refuse two different ones), so whichever course
    is asked, a category is the same value: no course's own definition replaces another's.
    """
    used = {c.slug: c for course in courses for c in course.categories}
    categories = tuple(sorted(used.values(), key=lambda c: c.name.casefold()))
    return Catalog(site, courses, categories, tuple(registry.users.values()), images)


def _slug_of(data: dict) -> str:
    return data.get("slug") or make_slug(data["name"])


# What no two courses may share: (field, its key in a course's data, how a message names it)
_UNIQUE = (("id", lambda data: data["id"], "id {}"),
           ("name", lambda data: name_key(data["name"]), "name {!r}"),
           ("slug", _slug_of, "slug '{}'"))


def _course(document: Document, registry: Registry, inline: dict[str, _Inline],
            creators: dict[tuple, _InlineCreator], shared: dict) -> tuple[Course | None, list[Issue]]:
    data, issues = document.data, []
    slug = _slug_of(data)
    if not slug:
        issues.append(located(document, ("name",), f"cannot make a slug from the name {data['name']!r}; add a slug field"))
    creator = _creator(document, data["created_by"], registry, issues, creators)
    categories = tuple(_category(document, index, ref, registry, issues, inline)
                       for index, ref in enumerate(data.get("categories", [])))
    if issues:
        return None, issues
    name, meta_title = data["name"].strip(), data.get("meta_title", "").strip()
    meta_description = data.get("meta_description", "").strip()
    course = Course(
        id=data["id"], name=name, slug=slug, type=CourseType(data["type"]),
        privacy=Privacy(data.get("privacy", "")), created_at=data["created_at"], created_by=creator,
        categories=tuple(dict.fromkeys(categories)),
        hide_member_count=data.get("hide_member_count", False),
        meta_title=meta_title, meta_description=meta_description,
        og_title=_one_copy(data.get("og_title", "").strip(), name, meta_title),
        og_description=_one_copy(data.get("og_description", "").strip(), meta_description),
        og_image=data.get("og_image", ""), image_original=data.get("image_original", ""),
        deleted=data.get("deleted", False), avg_completion_rate=data.get("avg_completion_rate", 0),
        description_key=document.description_key, member_count=data.get("member_count"),
        source=document.source,
        syllabus=syllabus_of(data),
        enforce_lessons_order=data.get("enforce_lessons_order", False),
        language=_once(shared, data.get("language", "")), level=Level(data["level"]) if "level" in data else None,
        workload=_once(shared, data.get("workload", "").strip()),
        paywalls=_once(shared, tuple(_paywall(paywall) for paywall in data.get("paywalls", ()))),
    )
    return course, []


def _once(shared: dict, value):
    """Return the value equal to `value` that an earlier course holds, or `value`, now shared."""
    return shared.setdefault(value, value)


def _paywall(data: dict) -> Paywall:
    prices = tuple(Price(unit_amount=price["unit_amount"], currency=price["currency"],
                         recurring_interval=price.get("recurring_interval", ""))
                   for price in data["payment_prices"])
    return Paywall(name=data["name"].strip(), payment_prices=prices)


def _one_copy(text: str, *earlier: str) -> str:
    """Return the earlier field's string when `text` repeats it, as Open Graph fields often do.

    A catalog is held until its build ends: at 100,000 courses, a second copy of each repeated
    text is 20 MB.
    """
    return next((same for same in earlier if same == text), text)


def _creator(document: Document, ref: object, registry: Registry, issues: list[Issue],
             inline_seen: dict[tuple, _InlineCreator] | None = None) -> User | None:
    if isinstance(ref, dict):
        inline = User(**ref)
        known = registry.users.get(inline.username)
        if known is not None and {name: getattr(known, name) for name in ref} != ref:
            issues.append(located(document, ("created_by", "username"),
                              f"inline creator '{inline.username}' conflicts with the one in users.yaml "
                              f"(id {known.id}, real name {known.real_name!r}); refer to it by username instead"))
        elif known is None and registry.user_ids.get(inline.id, inline.username) != inline.username:
            issues.append(located(document, ("created_by", "id"),
                              f"inline creator id {inline.id} is the id of '{registry.user_ids[inline.id]}' "
                              f"in users.yaml; each creator needs an id of its own"))
        elif known is None and inline_seen is not None:
            _inline_creator(document, inline, inline_seen, issues)
        return known or inline
    user = registry.users.get(ref)
    if user is None:
        issues.append(located(document, ("created_by",), _unknown("username", ref, registry.users, "users.yaml")))
    return user


def _inline_creator(document: Document, inline: User, seen: dict[tuple, _InlineCreator], issues: list[Issue]) -> None:
    """Report an inline creator whose username or id an earlier course file's inline creator has, defined otherwise.

    Feeds name a creator by id and by username, as users.yaml does (where each is defined once):
    two courses' "mallory" with two real names, or two creators sharing id 30, would give the
    feeds' readers two people under one key.
    """
    here = _InlineCreator(inline, document.display, document.path)
    for clash, key in (("username", ("username", inline.username)), ("id", ("id", inline.id))):
        first = seen.setdefault(key, here)
        if first.user != inline:
            line, _ = locate(first.path, ("created_by",))
            issues.append(located(document, ("created_by", clash),
                              f"inline creator {clash} {getattr(inline, clash)!r} is defined differently in "
                              f"{first.display}:{line} ({_user_text(first.user)}); define the creator once in "
                              f"users.yaml and refer to it by username"))


def _user_text(user: User) -> str:
    return f"id {user.id}, username {user.username!r}, real name {user.real_name!r}"


def _category(document: Document, index: int, ref: object, registry: Registry, issues: list[Issue],
              inline_seen: dict[str, _Inline] | None = None) -> Category | None:
    if isinstance(ref, dict):
        return _inline_category(document, index, ref, registry, issues, {} if inline_seen is None else inline_seen)
    category = registry.categories.get(ref)
    if category is None:
        issues.append(located(document, ("categories", index),
                          _unknown("category slug", ref, registry.categories, "categories.yaml")))
    return category


def _inline_category(document: Document, index: int, ref: dict, registry: Registry, issues: list[Issue],
                     seen: dict[str, _Inline]) -> Category:
    """Return an inline category, the one definition of its slug; report a definition that differs from it.

    A slug's first definition (categories.yaml's, else the first course file's) is the one every
    page shows. A second, different one is an error rather than a silent winner: a secret
    course's own name or description for a category must never replace an open course's.
    """
    inline = Category(**ref)
    known = registry.categories.get(inline.slug)
    if known is not None:
        given = {name: getattr(known, name) for name in ref}  # what the inline object says, as the registry has it
        if given != ref:
            issues.append(located(document, ("categories", index, "slug"),
                              f"inline category '{inline.slug}' conflicts with the one in categories.yaml "
                              f"({_category_text(known)}); refer to it by slug instead"))
        return known
    owner = registry.category_ids.get(inline.id) or registry.category_names.get(name_key(inline.name))
    if owner is not None:  # its id or name is a categories.yaml entry's, under another slug
        clash = "id" if registry.category_ids.get(inline.id) else "name"
        issues.append(located(document, ("categories", index, clash),
                          f"inline category '{inline.slug}' has the {clash} of '{owner}' in categories.yaml; "
                          f"each category needs its own"))
    first = seen.setdefault(inline.slug, _Inline(inline, document.display, document.path, index))
    if first.category != inline:
        line, _ = locate(first.path, ("categories", first.index))
        issues.append(located(document, ("categories", index, "slug"),
                          f"inline category '{inline.slug}' is defined differently in {first.display}:{line} "
                          f"({_category_text(first.category)}); define it once in categories.yaml and refer to it by slug"))
    # Ids and names are claimed in the same map, under keys of their own, by the first slug that uses them.
    for clash, key in (("id", ("id", inline.id)), ("name", ("name", name_key(inline.name)))):
        other = seen.setdefault(key, first)
        if other.category.slug != inline.slug:
            line, _ = locate(other.path, ("categories", other.index))
            issues.append(located(document, ("categories", index, clash),
                              f"inline category '{inline.slug}' has the {clash} of '{other.category.slug}' "
                              f"(in {other.display}:{line}); each category needs its own"))
    return first.category


def _category_text(category: Category) -> str:
    text = f"id {category.id}, name {category.name!r}"
    return text + (f", description {category.description!r}" if category.description else ", no description")


def _unknown(what: str, value: object, known: dict, where: str) -> str:
    message = f"unknown {what} '{value}': expected one defined in {where}"
    close = difflib.get_close_matches(str(value), list(known), n=1, cutoff=0.6)
    return f"{message}; did you mean '{close[0]}'?" if close else message


def check_references(registry: Registry, documents: list[Document]) -> list[Issue]:
    """Report unknown creators and category slugs in files that failed the schema for other reasons."""
    issues: list[Issue] = []
    for document in documents:
        creator = document.data.get("created_by")
        if isinstance(creator, str) and creator:
            _creator(document, creator, registry, issues)
        categories = document.data.get("categories")
        for index, ref in enumerate(categories if isinstance(categories, list) else []):
            if isinstance(ref, str) and ref:
                _category(document, index, ref, registry, issues)
    return issues
