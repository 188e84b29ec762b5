"""`cxlint schema` and `cxlint validate`: the manifest's JSON Schema for editors, and the
manifest checks without a run, fast enough for a pre-commit hook.

The schema ships as draft 2020-12 (the loader validates with Draft202012Validator). Editors
are not all there: yaml-language-server's support for 2020-12 is unsettled, so `cxlint schema`
prints a draft-07 copy with a stable `$id`. The schema uses one 2020-12-only keyword, `$defs`;
the copy moves it to draft-07's `definitions` and rewrites the references, and a test keeps
the copy free of other 2020-12-only keywords and validating the examples as the loader does.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cxlint.catalogue import Rule

# Where the printed copy is published (docs/schema/ in the repository, kept equal to
# `cxlint schema` by a test): the URL editors, `# yaml-language-server: $schema=` lines and a
# SchemaStore entry name. Versioned by the manifest's `version: 1`.
SCHEMA_ID = "https://raw.githubusercontent.com/cxlint/cxlint/main/docs/schema/manifest-v1.json"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# Files the pre-commit hook and the SchemaStore entry match (documented in the README).
FILE_PATTERN = r"(^|/)((cxlint|campaign)[^/]*|[^/]*\.cxlint)\.ya?ml$"


def draft07_schema() -> dict[str, Any]:
    """The manifest schema as draft-07 keywords, with `$id`, and every rule of the catalogue
    under `rules`: its name, its severity and its options, as the loader checks them."""
    from cxlint.catalogue import load_catalogue
    from cxlint.manifest import manifest_schema

    source = manifest_schema()
    copy: dict[str, Any] = {"$schema": DRAFT_07, "$id": SCHEMA_ID}
    for key, value in source.items():
        if key == "$schema":
            continue
        copy["definitions" if key == "$defs" else key] = _refs(value)
    copy["properties"]["rules"] = _rules(copy["properties"]["rules"], load_catalogue().values())
    return copy


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z`])", " ".join(text.split()), maxsplit=1)[0]


def _rules(setting: dict[str, Any], catalogue: Iterable[Rule]) -> dict[str, Any]:
    """`rules:` for editors: each rule by name, with its summary to read on hover, a severity
    or a mapping of a severity and its options (each its rule file's JSON Schema fragment),
    and no other name. The loader's own schema leaves names and options to the loader, which
    says what is wrong in words (did you mean...); an editor can only underline."""
    severity = {"$ref": "#/definitions/severity"}
    properties = {}
    for rule in sorted(catalogue, key=lambda r: r.name):
        options = {name: dict(option.schema) for name, option in rule.options.items()}
        properties[rule.name] = {
            "description": _first_sentence(rule.summary) + f" (`cxlint explain {rule.name}`)",
            "type": ["string", "object"],
            "if": {"type": "string"},
            "then": severity,
            "else": {
                "type": "object",
                "properties": {"severity": severity, **options},
                "additionalProperties": False,
            },
        }
    return {**setting, "properties": properties, "additionalProperties": False}


def _refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace("#/$defs/", "#/definitions/")
            if key == "$ref" and isinstance(value, str)
            else _refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_refs(item) for item in node]
    return node


def schema_text() -> str:
    return json.dumps(draft07_schema(), indent=2, ensure_ascii=False) + "\n"


class _AnyVariable(Mapping[str, str]):
    """Every `${VAR}` counts as set: validate checks how a variable is written, not its value,
    which a pre-commit hook or an editor does not have (STAGING_TOKEN lives in CI)."""

    def __getitem__(self, name: str) -> str:
        return "cxlint-validate"

    def __contains__(self, name: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _Rules(Mapping[str, "Rule"]):
    """The catalogue's rules (names and options), read only when a manifest names a rule
    (`rules:`, `ignore:`): most manifests never do, and reading 26 rule files is most of the
    time a validation takes."""

    @functools.cached_property
    def _known(self) -> dict[str, Rule]:
        from cxlint.catalogue import load_catalogue

        return load_catalogue()

    def __getitem__(self, name: str) -> Rule:
        return self._known[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


def validate_manifests(paths: list[str]) -> list[str]:
    """One line per manifest that is not valid (file:line:column: what is wrong), in order.
    What `cxlint check` checks before a run (schema, product references, URLs, duplicates,
    rule names and options) without the network; unset ${VAR}s are not errors."""
    from cxlint.errors import UsageError
    from cxlint.manifest import load_manifest

    rules = _Rules()
    problems = []
    for path in paths:
        try:
            load_manifest(path, env=_AnyVariable(), rules=rules)
        except UsageError as exc:
            problems.append(str(exc))
    return problems
