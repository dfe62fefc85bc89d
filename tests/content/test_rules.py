"""The rules beyond the schema (content/rules.py), asked directly of parsed documents."""

from __future__ import annotations

import pytest

from coursegen.content import rules, safe_yaml

SYLLABUS = """\
id: 7
sections:
- id: 1
  name: One
  lessons:
  - id: 11
    name: A
  - id: 12
    name: B
- id: 2
  name: Two
  lessons:
  - id: 21
    name: C
paywalls:
- name: Access
  payment_prices:
  - unit_amount: 4900
    currency: EUR
"""


def test_a_syllabus_of_whole_numbers_breaks_no_integer_rule():
    assert list(rules._fractions(safe_yaml.parse(SYLLABUS), rules.fields_of("course", "integer"))) == []


@pytest.mark.parametrize("written, keys", [
    ("id: 7.0", ("id",)),
    ("  - id: 12.0", ("sections", 0, "lessons", 1, "id")),
    ("  - id: 21.0", ("sections", 1, "lessons", 0, "id")),
    ("- id: 2.0", ("sections", 1, "id")),
    ("  - unit_amount: 4900.0", ("paywalls", 0, "payment_prices", 0, "unit_amount")),
])
def test_a_float_anywhere_an_integer_belongs_is_found_where_it_is(written, keys):
    """The quick walk that finds no float must not miss one, at any depth of the syllabus."""
    text = SYLLABUS.replace(written.removesuffix(".0"), written, 1)
    assert text != SYLLABUS
    found = list(rules._fractions(safe_yaml.parse(text), rules.fields_of("course", "integer")))
    assert [problem.keys for problem in found] == [keys]
    assert "expected an integer, found a number" in found[0].message
