"""Each rule's typed contract (issue 16): its options a TypedDict with the keys and types its
rule file's JSON Schema fragments declare, its evidence a TypedDict extending `Evidence`, and
the evidence keys reporters draw in their own way (`Drawn`) of one type in every rule. mypy
--strict holds each rule function to its types; these tests hold the types to the catalogue
and to the reporters' contract."""

from __future__ import annotations

import types
import typing
from typing import Any, NotRequired, Required, get_args, get_origin, get_type_hints

import pytest

from cxlint.catalogue import load_catalogue
from cxlint.checks import NoOptions, registry
from cxlint.checks.evidence import FOR_MACHINES, Drawn, Evidence

SPECS = registry()
CATALOGUE = load_catalogue()
# what a JSON Schema type is in Python (a number may be written 3 in YAML: an int is a float)
PYTHON = {"integer": int, "number": float, "boolean": bool, "string": str}


def _bare(hint: Any) -> Any:
    """A key's type without NotRequired/Required around it."""
    while get_origin(hint) in (NotRequired, Required):
        hint = get_args(hint)[0]
    return hint


def _keys(typed: Any) -> set[str]:
    return set(typed.__required_keys__ | typed.__optional_keys__)


def test_every_rule_of_the_catalogue_is_implemented_with_its_types() -> None:
    assert set(SPECS) == set(CATALOGUE)
    for name, spec in SPECS.items():
        assert typing.is_typeddict(spec.evidence), name
        assert typing.is_typeddict(spec.options), name
        assert _keys(Evidence) <= _keys(spec.evidence), f"{name}: its evidence extends Evidence"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_a_rules_options_type_is_its_rule_files_options(name: str) -> None:
    rule, options = CATALOGUE[name], SPECS[name].options
    assert _keys(options) == set(rule.options), f"{name}: {options.__name__} vs its rule file"
    if not rule.options:
        assert options is NoOptions
    hints = get_type_hints(options)
    for option in rule.options.values():
        hint = _bare(hints[option.name])
        if option.type == "array":
            assert get_origin(hint) is list, (name, option.name, hint)
            items = option.schema.get("items", {}).get("type")
            assert items is None or get_args(hint) == (PYTHON[items],), (name, option.name)
        else:
            assert hint is PYTHON[option.type], (name, option.name, hint)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_the_keys_reporters_draw_have_one_type_in_every_rule(name: str) -> None:
    contract = get_type_hints(Drawn)
    hints = get_type_hints(SPECS[name].evidence)
    for key in set(contract) & set(hints):
        mine, theirs = _bare(hints[key]), _bare(contract[key])
        union = get_origin(theirs) in (typing.Union, types.UnionType)
        allowed = {theirs, *get_args(theirs)} if union else {theirs}  # str | list[str]: either
        assert mine in allowed, f"{name}: {key} is {mine}, reporters read {theirs}"


def test_keys_for_machines_are_part_of_the_contract() -> None:
    assert set(get_type_hints(Drawn)) >= FOR_MACHINES


def test_the_options_a_rule_passes_to_its_facts_are_its_own() -> None:
    for name, spec in SPECS.items():
        for need in spec.needs:
            assert set(need.options.values()) <= _keys(spec.options), (name, need)
