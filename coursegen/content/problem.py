"""What a content rule returns (a Problem at a path of keys), and the tests of text every rule shares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# Letters and symbols that fonts draw as nothing: Hangul fillers and the blank braille pattern.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Control, format (zero-width, bidi), combining, space, line and paragraph separator characters.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: where (keys into the document) and what was expected and found.

    `first` names the keys of an earlier value the message refers to (the first of two equal ids):
    the message then holds "{line}", which validation fills with that value's line.
    """

    keys: tuple
    message: str
    first: tuple = ()


def visible(text: str) -> bool:
    """Return True when the text has at least one character a reader can see."""
    if text.isascii():  # control characters are the schema's to refuse: here only spaces are unseen
        return not text.isspace() and text != ""
    return any(ch not in _BLANK_LETTERS and unicodedata.category(ch) not in _UNSEEN_CATEGORIES for ch in text)


_SPACE = re.compile(r"\s")
# The shape nearly every URL has: a lowercase host name, no credentials, no port, no odd character.
_PLAIN_URL = re.compile(r"https?://[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?:/[!#-~]*)?", re.ASCII)


def url_problem(value: str) -> str:
    """Return what is wrong with an absolute http(s) URL as a page may publish it, or ""."""
    if _PLAIN_URL.fullmatch(value):  # nothing to take apart (urlsplit and its properties: 4 µs a URL)
        return ""
    if not value.isprintable() or _SPACE.search(value):
        return "it holds a space or an invisible character"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError as error:
        return str(error)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "it names no host"
    if parts.username is not None or parts.password is not None:
        return "it holds a user name or password, which every page would publish"
    if port == 0:
        return "port 0 is no port"
    return ""
