"""YAML becomes plain data in one place (yamldata): the values PyYAML reads, and located refusals of the rest."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coursegen.content import safe_yaml

# Each value YAML 1.1 resolves in a surprising way, and each shape a content file holds.
DOCUMENTS = [
    "id: 0x1F\ncount: 1_000\nbinary: 0b101\nneg: -7\n",
    "rate: 6.5e1\nnan_is_text: 'NaN'\nexp: 1e3\n",
    "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: ~\ng: null\nh:\n",
    "name: 'quoted: text'\nplain: Café Crème\nfolded: >\n  one\n  two\nliteral: |\n  keep\n  lines\n",
    "categories: [languages, {id: 90, name: Food, slug: food}]\nnested:\n  - - 1\n    - [2, three]\n",
    "tagged: !!str 123\nexplicit: !!int '7'\n",
    "anchor_without_alias: &a 1\n",
    "",
    "- a list\n- at the top\n",
    "just text\n",
    "ids: [0, 7, 09, 1_000, 123456789012345678, 1234567890123456789, +5, -0]\n",
    "digits: [\u0661\u0662, \u00b2, '42', !!int 42]\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_plain_documents_read_as_pyyaml_reads_them(text):
    expected = yaml.load(text, Loader=yaml.SafeLoader)
    found = safe_yaml.parse(text)
    assert found == expected
    assert type(found) is type(expected)
    if isinstance(expected, dict):
        assert [type(v) for v in found.values()] == [type(v) for v in expected.values()]
        assert list(found) == list(expected)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789_+-.:eExXbBoOyYnNtTfF~<=!&*aA\u0661\u00b2 "), max_size=12))
def test_the_fast_resolver_tags_a_scalar_as_pyyaml_does(value):
    """safe_yaml's own resolve (a third of parsing's time) agrees with PyYAML's on every plain and quoted scalar."""
    for implicit in ((True, False), (False, True), (False, False)):
        expected = yaml.resolver.BaseResolver.resolve(safe_yaml.Loader(""), yaml.ScalarNode, value, implicit)
        assert safe_yaml.Loader.resolve(safe_yaml.Loader(""), yaml.ScalarNode, value, implicit) == expected
        # again: the second time a plain scalar's tag may come from what the first remembered
        assert safe_yaml.Loader.resolve(safe_yaml.Loader(""), yaml.ScalarNode, value, implicit) == expected


def test_dates_stay_text():
    assert safe_yaml.parse("created_at: 2025-03-14T09:30:00Z\nday: 2025-03-14\n") == {
        "created_at": "2025-03-14T09:30:00Z", "day": "2025-03-14"}


@pytest.mark.parametrize("text, line, column, message", [
    ("name: a\nname: b\n", 2, 1, "duplicate key 'name' (first on line 1)"),
    ("x: !!python/object/apply:os.system ['true']\n", 1, 4, "the YAML tag !!python/object/apply:os.system is not allowed"),
    ("x: !!binary aGVsbG8=\n", 1, 4, "the YAML tag !!binary is not allowed"),
    ("x: !!set {a, b}\n", 1, 4, "the YAML tag !!set is not allowed"),
    ("x: !!timestamp 2025-01-01\n", 1, 4, "the YAML tag !!timestamp is not allowed"),
    ("x: !local text\n", 1, 4, "the YAML tag !local is not allowed"),
    ("privacy: open\n<<: {privacy: secret}\n", 2, 1, "merge keys (<<) are not allowed"),
    ("on: 1\n", 1, 1, "the key 'on' is read by YAML as a boolean, not as text"),
    ("no: 1\n", 1, 1, "the key 'no' is read by YAML as a boolean"),
    ("1: x\n", 1, 1, "the key '1' is read by YAML as an integer"),
    ("3.5: x\n", 1, 1, "the key '3.5' is read by YAML as a number"),
    ("~: x\n", 1, 1, "the key '~' is read by YAML as nothing (null)"),
    ("!!binary aGVsbG8=: x\n", 1, 1, "the YAML tag !!binary is not allowed"),
    ("? [a, b]\n: list key\n", 1, 3, "a key must be text, not a list or a mapping"),
    ("a: &x [1]\nb: *x\n", 1, 4, "aliases (*name) are not allowed"),
    ("a: &x [*x]\n", 1, 4, "aliases (*name) are not allowed"),
    ("id: 99999999999999999999\n", 1, 5, "the integer 99999999999999999999 is outside the 64-bit range"),
    ("id: -0x8000000000000001\n", 1, 5, "is outside the 64-bit range"),
    ("rate: .inf\n", 1, 7, ".inf is not a finite number"),
    ("rate: .NaN\n", 1, 7, ".NaN is not a finite number"),
    ("id: 012\n", 1, 5, "012 is read by YAML as the octal number 10; write 10"),
    ("name: 1:20\n", 1, 7, "1:20 is read by YAML as the base-60 number 80"),
    ("name: a\u2028b\n", 1, 8, "U+2028 (LINE SEPARATOR) is a line break to YAML but not to editors"),
    ("a: " + "[" * 40 + "]" * 40 + "\n", 1, 35, "nesting deeper than 32 levels"),
])
def test_what_content_may_not_hold_is_refused_where_it_stands(text, line, column, message):
    with pytest.raises(safe_yaml.YamlProblem) as refused:
        safe_yaml.parse(text)
    assert message in refused.value.message
    assert (refused.value.line, refused.value.column) == (line, column)


def test_the_largest_64_bit_integers_are_kept():
    assert safe_yaml.parse(f"a: {2**63 - 1}\nb: {-2**63}\n") == {"a": 2**63 - 1, "b": -2**63}


def test_deep_flow_nesting_beyond_libyaml_is_a_yaml_error_not_a_crash():
    with pytest.raises(yaml.YAMLError, match="maximum nesting depth"):
        safe_yaml.parse("a: " + "[" * 5000 + "]" * 5000 + "\n")
