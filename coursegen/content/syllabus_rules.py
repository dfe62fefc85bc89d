"""The rules of SPEC §7 that JSON Schema cannot say: when sections open, unique ids, known currencies and languages.

Also visible syllabus names, and site.yaml's join_url: a URL template with only {id} and {slug}.
rules.problems calls them on a document that passed its schema; CLDR's data (Babel) is loaded only
for a course that names a language or has paywalls, so checking other catalogs stays light.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator

from coursegen.content.problem import Problem, url_problem, visible

_INVISIBLE = "expected a name with at least one visible character, found only invisible ones"
_TAGS = '"de", "de-CH", "pt-BR" or "zh-Hant"'


def course_problems(data: dict) -> Iterator[Problem]:
    """Yield every §7 rule a schema-valid course breaks: its syllabus, language, workload and prices."""
    section_ids: dict[int, tuple] = {}
    lesson_ids: dict[int, tuple] = {}
    for index, section in enumerate(data.get("sections", [])):
        yield from _section(section, ("sections", index), data["type"], section_ids, lesson_ids)
    if "language" in data:
        problem = language_problem(data["language"])
        if problem:
            yield Problem(("language",), f"expected a BCP 47 language tag that CLDR knows, such as {_TAGS}, "
                                         f"found the text {json.dumps(data['language'])}{problem}")
    if not visible(data.get("workload", "x")):
        yield Problem(("workload",), "expected a workload with at least one visible character, found only "
                                     "invisible ones")
    for index, paywall in enumerate(data.get("paywalls", [])):
        yield from _paywall(paywall, ("paywalls", index))


def _section(section: dict, keys: tuple, course_type: str, section_ids: dict, lesson_ids: dict) -> Iterator[Problem]:
    yield from _first_use(section["id"], (*keys, "id"), section_ids, "section")
    if not visible(section["name"]):
        yield Problem((*keys, "name"), _INVISIBLE)
    if "drip_delay" in section and course_type != "structured":
        yield Problem((*keys, "drip_delay"), f"expected drip_delay (days after a member joins) only in a structured "
                                             f"course, found it in a {course_type} course; remove it, or make the "
                                             f"course structured")
    if course_type == "scheduled" and "dripped_at" not in section:
        yield Problem((*keys, "dripped_at"), "missing required field 'dripped_at': each section of a scheduled course "
                                             "opens on a date, such as \"2027-03-01T09:00:00Z\"")
    elif course_type != "scheduled" and "dripped_at" in section:
        instead = "use drip_delay (days after a member joins), or" if course_type == "structured" else "remove it, or"
        yield Problem((*keys, "dripped_at"), f"expected dripped_at (the date a section opens) only in a scheduled "
                                             f"course, found it in a {course_type} course; {instead} make the "
                                             f"course scheduled")
    for index, lesson in enumerate(section.get("lessons", [])):
        yield from _first_use(lesson["id"], (*keys, "lessons", index, "id"), lesson_ids, "lesson")
        if not visible(lesson["name"]):
            yield Problem((*keys, "lessons", index, "name"), _INVISIBLE)


def _first_use(value: int, keys: tuple, seen: dict[int, tuple], kind: str) -> Iterator[Problem]:
    """Remember where an id is first used; refuse it again, pointing at the second and naming the first."""
    first = seen.setdefault(value, keys)
    if first != keys:
        yield Problem(keys, f"{kind} id {value} is already used by {_label(first[:-1])} (line {{line}}); "
                            f"each {kind} of a course needs its own", first=first)


def _label(keys: tuple) -> str:
    return "".join(f"[{key}]" if isinstance(key, int) else (f".{key}" if index else key)
                   for index, key in enumerate(keys))


def _paywall(paywall: dict, keys: tuple) -> Iterator[Problem]:
    if not visible(paywall["name"]):
        yield Problem((*keys, "name"), _INVISIBLE)
    for index, price in enumerate(paywall["payment_prices"]):
        if price["currency"] not in _currencies():
            yield Problem((*keys, "payment_prices", index, "currency"),
                          f"expected an ISO 4217 currency code such as \"EUR\", \"USD\" or \"JPY\", "
                          f"found the text {json.dumps(price['currency'])}, which is no currency")


@functools.cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies  # CLDR's data, only for a catalog with prices

    return frozenset(list_currencies())


@functools.cache
def language_problem(tag: str) -> str:
    """Return what is wrong with a BCP 47 language tag (", whose ... is unknown"), or "" when CLDR knows it.

    Babel reads "zh-TW" as zh_Hant_TW, so the parts asked for are compared with the parts it found:
    it drops a variant it does not know ("en-ZZZZ9" becomes "en") and reads "und" as en_US.
    """
    from babel import Locale, UnknownLocaleError  # CLDR's data, only for a course that names its language
    from babel.core import parse_locale

    try:
        asked = parse_locale(tag, sep="-")[:4]
        found = Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return ", which it does not know"
    known = (found.language, found.territory, found.script, found.variant)
    unknown = [part for part, same in zip(asked, known) if part is not None and part != same]
    return f", whose '{unknown[0]}' it does not know" if unknown else ""


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SAMPLES = {"id": "1", "slug": "a-course"}  # what a join_url's placeholders become, to check the URL made


def join_url_problems(data: dict) -> Iterator[Problem]:
    """Yield what is wrong with site.yaml's join_url: a URL template whose only placeholders are {id} and {slug}."""
    template = data.get("join_url")
    if template is None:
        return
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        if name not in _SAMPLES:
            close = difflib.get_close_matches(name.lower(), list(_SAMPLES), n=1, cutoff=0.6)
            hint = f"; did you mean {{{close[0]}}}?" if close else ""
            yield Problem(("join_url",), f"expected only the placeholders {{id}} and {{slug}}, found "
                                         f"{{{name}}}{hint}")
    filled = _PLACEHOLDER.sub(lambda match: _SAMPLES.get(match.group(1), "x"), template)
    if "{" in filled or "}" in filled:
        yield Problem(("join_url",), "expected each '{' closed by a '}' around id or slug, found a brace that "
                                     "opens or closes no placeholder")
        return
    problem = url_problem(filled)
    if problem:
        yield Problem(("join_url",), f"expected an absolute http(s) URL template such as "
                                     f"\"https://community.example.org/course/{{id}}-{{slug}}/\", but {problem}")
