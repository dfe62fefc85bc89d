"""The golden trees: a build of each small catalog is byte for byte what tests/output/ keeps (see tests/golden.py)."""

from __future__ import annotations

import pytest

from tests import golden


@pytest.mark.parametrize("name", sorted(golden.CATALOGS))
def test_a_build_is_byte_for_byte_its_golden_tree(name, tmp_path):
    built, expected = golden.build(name, tmp_path / "output"), golden.kept(name)
    assert sorted(built) == sorted(expected), "files made or missing; refresh with python -m tests.refresh_expected"
    changed = [path for path in built if built[path] != expected[path]]
    assert not changed, f"files that differ from tests/output/{name}/: {changed}"
