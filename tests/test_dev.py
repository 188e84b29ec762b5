"""The maintainers' tools (cxlint/dev.py): a new rule is three files the scaffold writes, and
README's table of rules is generated from the catalogue."""

from __future__ import annotations

import py_compile
import shutil
from pathlib import Path

import pytest
import yaml

from cxlint import dev
from cxlint.catalogue import _load_rule, load_catalogue
from cxlint.docs import readme_table

ROOT = Path(__file__).resolve().parents[1]


def test_readme_lists_every_rule_as_the_catalogue_says() -> None:
    text = (ROOT / "README.md").read_text()
    start, end = (text.index(marker) for marker in dev._MARKERS)
    assert text[start + len(dev._MARKERS[0]) + 1 : end] == readme_table(load_catalogue()), (
        "README's rules table is stale: run `python -m cxlint.dev readme-rules`"
    )


def test_new_rule_writes_its_three_files_and_nothing_else(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    written = dev.new_rule("hero-image-missing", "landing_page", "content", tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "cxlint/checks/hero_image_missing.py",
        "rules/hero-image-missing.yaml",
        "tests/rule_cases/hero-image-missing.yaml",
    ]
    rule = _load_rule(tmp_path / "rules" / "hero-image-missing.yaml")
    assert rule.code == "CX115" and rule.owner == "content"  # after CX114, the last landing code
    py_compile.compile(str(written[1]), doraise=True)
    cases = yaml.safe_load(written[2].read_text())
    assert cases["rule"] == "hero-image-missing" and cases["cases"][0]["example"] is True
    with pytest.raises(FileExistsError):
        dev.new_rule("hero-image-missing", "landing_page", "content", tmp_path)


@pytest.mark.parametrize("name", ["Hero", "hero", "hero_image", "-hero-x"])
def test_a_rule_name_is_hyphenated_lower_case_words(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        dev.new_rule(name, "product", "content", tmp_path)


def test_every_rule_says_who_usually_fixes_it(tmp_path: Path) -> None:
    assert {rule.owner for rule in load_catalogue().values()} <= set(dev.OWNERS)
    bad = tmp_path / "x-y.yaml"
    text = (ROOT / "rules" / "slow-page.yaml").read_text().replace("name: slow-page", "name: x-y")
    bad.write_text(text.replace("owner: seo", "owner: marketing"))
    with pytest.raises(Exception, match="owner must be one of campaign, redirects"):
        _load_rule(bad)
