"""What rendering a course's Markdown description produces, shared by every stage that shows it."""

from __future__ import annotations

from typing import NamedTuple


class Rendered(NamedTuple):
    """What rendering one course's description produced (markup.describe); computed once per course."""

    description_html: str
    excerpt: str


NOT_RENDERED = Rendered("", "")  # for a course nothing shows the description of (privacy.needs_description)
