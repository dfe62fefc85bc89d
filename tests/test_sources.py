"""The fast YAML loader builds exactly what PyYAML's full constructor builds, and refuses the same."""

from __future__ import annotations

import pytest
import yaml

from generator.sources import FastLoader, PlainLoader, loader_for

# Each value YAML 1.1 resolves in a surprising way, and each shape the fast path hands back.
DOCUMENTS = [
    "id: 0x1F\ncount: 1_000\noctal: 012\nneg: -7\n",
    "rate: 6.5e1\ninf: .inf\nnan_is_text: 'NaN'\nexp: 1e3\n",
    "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: ~\ng: null\nh:\n",
    "created_at: 2025-03-14T09:30:00Z\nday: 2025-03-14\n",  # timestamps stay text
    "name: 'quoted: text'\nplain: Café Crème\nfolded: >\n  one\n  two\nliteral: |\n  keep\n  lines\n",
    "categories: [languages, {id: 90, name: Food, slug: food}]\nnested:\n  - - 1\n    - [2, three]\n",
    "1: integer key\ntrue: boolean key\n3.5: float key\n",
    "<<: {merged: 1}\nown: 2\n",  # a merge key: left to the full constructor
    "tagged: !!str 123\nbinary: !!binary aGVsbG8=\nset: !!set {a, b}\n",
    "",
    "- a list\n- at the top\n",
    "just text\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_fast_loader_builds_what_pyyaml_builds(text):
    expected = yaml.load(text, Loader=PlainLoader)
    found = yaml.load(text, Loader=FastLoader)
    assert found == expected
    assert type(found) is type(expected)
    if isinstance(expected, dict):
        assert [type(v) for v in found.values()] == [type(v) for v in expected.values()]
        assert list(found) == list(expected)


@pytest.mark.parametrize("text, message", [
    ("name: a\nname: b\n", "duplicate key 'name' (first on line 1)"),
    ("x: !!python/object/apply:os.system ['true']\n", "could not determine a constructor"),
    ("? [a, b]\n: list key\n", "found unhashable key"),
])
def test_fast_loader_refuses_what_pyyaml_refuses(text, message):
    with pytest.raises(yaml.YAMLError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        yaml.load(text, Loader=FastLoader)


def test_files_with_anchors_get_the_loader_that_refuses_aliases():
    assert loader_for("a: &x 1\nb: *x\n") is not FastLoader
    assert loader_for("plain: text\n") is FastLoader
