"""categories.yaml and users.yaml as a registry: each id, name, slug and username defined once."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from coursegen.content.files import Document, locate
from coursegen.content.schema import field_label
from coursegen.issues import Issue
from coursegen.model import Category, User


@dataclass
class Registry:
    """What the shared files define, and which document defined each entry (for messages)."""

    users: dict[str, User] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    user_ids: dict[int, str] = field(default_factory=dict)  # id -> username
    category_ids: dict[int, str] = field(default_factory=dict)  # id -> slug
    category_names: dict[str, str] = field(default_factory=dict)  # name as uniqueness compares it -> slug
    user_names: dict[str, str] = field(default_factory=dict)  # username as uniqueness compares it -> username


def load_registry(categories: Document | None, users: Document | None) -> tuple[Registry, list[Issue]]:
    """Read categories.yaml and users.yaml (already schema-valid) and check their uniqueness.

    Feeds name a category and a creator by id as well as by slug or username, and listings show
    a category by name: each of the three must name one entry.
    """
    registry, issues = Registry(), []
    for index, entry in enumerate(categories.data if categories else []):
        category = Category(**entry)
        for field_name, key, seen in (("slug", category.slug, registry.categories),
                                      ("id", category.id, registry.category_ids),
                                      ("name", name_key(category.name), registry.category_names)):
            if key in seen:
                issues.append(located(categories, (index, field_name),
                                  f"category {field_name} {getattr(category, field_name)!r} is defined twice"))
        registry.categories.setdefault(category.slug, category)
        registry.category_ids.setdefault(category.id, category.slug)
        registry.category_names.setdefault(name_key(category.name), category.slug)
    for index, entry in enumerate(users.data if users else []):
        user = User(**entry)
        for field_name, key, seen in (("username", user.username, registry.users), ("id", user.id, registry.user_ids)):
            if key in seen:
                issues.append(located(users, (index, field_name),
                                  f"{'username' if field_name == 'username' else 'user id'} "
                                  f"{getattr(user, field_name)!r} is defined twice"))
        earlier = registry.user_names.get(name_key(user.username))
        if earlier is not None and earlier != user.username:  # "Ada" beside "ada": no reader tells them apart
            issues.append(located(users, (index, "username"),
                                  f"{user.username!r} differs from the username {earlier!r} only in case, width or "
                                  f"invisible characters: expected usernames a reader can tell apart"))
        registry.users.setdefault(user.username, user)
        registry.user_ids.setdefault(user.id, user.username)
        registry.user_names.setdefault(name_key(user.username), user.username)
    return registry, issues


def name_key(name: str) -> str:
    """Return the name as uniqueness compares it: case, width and invisible characters ignored."""
    if name.isascii():  # NFKC leaves ASCII as it is, and no ASCII character is invisible (Cf)
        return " ".join(name.casefold().split())
    folded = unicodedata.normalize("NFKC", name).casefold()
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")  # zero-width, bidi marks
    return " ".join(visible.split())


def located(document: Document, keys: tuple, message: str, *, field_name: str | None = None) -> Issue:
    line, column = locate(document.path, keys)
    return Issue(document.display, line, column, field_name or field_label(keys), message)
