"""Editors and pre-commit (issue 18, item 4): `cxlint schema` prints a draft-07 copy of the
manifest schema that validates exactly as the loader's draft 2020-12 one; `cxlint validate`
checks manifests offline with `cxlint check`'s own messages; the pre-commit hook and the
examples' `# yaml-language-server` lines name them."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cxlint.manifest import manifest_schema
from cxlint.validate import FILE_PATTERN, SCHEMA_ID, draft07_schema, schema_text

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
# keywords draft-07 does not know (2019-09 and 2020-12 vocabularies)
NEWER_KEYWORDS = {
    "$defs", "prefixItems", "dependentRequired", "dependentSchemas", "unevaluatedProperties",
    "unevaluatedItems", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
    "$anchor", "$vocabulary", "minContains", "maxContains", "contentSchema",
}  # fmt: skip


def cxlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STAGING_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "cxlint", *args], capture_output=True, text=True, cwd=cwd,
        timeout=60, env={**env, "NO_COLOR": "1"},
    )  # fmt: skip


def keywords(node: Any) -> set[str]:
    """Every key used as a keyword (property names under `properties` are not keywords)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("properties", "definitions", "$defs", "patternProperties"):
                for sub in value.values():
                    found |= keywords(sub)
            elif key not in ("examples", "default", "const", "enum"):
                found |= keywords(value)
    elif isinstance(node, list):
        for item in node:
            found |= keywords(item)
    return found


def test_the_printed_schema_is_draft_07_with_a_stable_id() -> None:
    run = cxlint("schema")
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    jsonschema.Draft7Validator.check_schema(printed)
    assert printed["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert printed["$id"] == SCHEMA_ID and SCHEMA_ID.startswith("https://")
    assert not keywords(printed) & NEWER_KEYWORDS
    assert "$defs" in manifest_schema()  # the translation did something
    assert "#/$defs/" not in run.stdout and "#/definitions/" in run.stdout


def test_the_published_copy_is_what_cxlint_schema_prints() -> None:
    """docs/schema/manifest-v1.json is what the $id URL serves; regenerate it with
    `cxlint schema > docs/schema/manifest-v1.json`."""
    assert (ROOT / "docs" / "schema" / "manifest-v1.json").read_text() == schema_text()


BAD = [
    {"version": 1, "campaign": {"name": "x"}, "site": {"url": "https://a.example"}, "extra": 1},
    {"version": 2, "campaign": {}, "site": {"url": 5}},
    {"version": 1, "campaign": {"name": "x"}, "site": {"url": "https://a.example"},
     "products": [{"id": "p", "name": "P", "price": "cheap", "aliases": "one"}]},
    {"version": 1, "campaign": {"name": "x"}, "site": {"url": "https://a.example"},
     "landing_pages": [{"url": "/a", "products": [3], "ignore": [{"rule": 1}]}]},
    {"version": 1, "campaign": {"name": "x"}, "site": {"url": "https://a.example",
     "headers": {"bad name": "v"}}, "rules": {"soft-404": "loud"}},
]  # fmt: skip


def errors(validator: jsonschema.protocols.Validator, data: Any) -> list[tuple[str, str]]:
    found = [("/".join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(data)]
    return sorted(found)


@pytest.mark.parametrize(
    "data",
    [yaml.safe_load(p.read_text()) for p in EXAMPLES] + BAD,
    ids=[p.name for p in EXAMPLES] + [f"bad-{i}" for i in range(len(BAD))],
)
def test_draft_07_copy_validates_as_the_loaders_schema(data: Any) -> None:
    """The same errors, but for `rules:`, whose names and options the editor's copy knows
    from the catalogue and the loader's schema leaves to the loader (next test)."""
    loader = jsonschema.Draft202012Validator(manifest_schema())
    editor = jsonschema.Draft7Validator(draft07_schema())
    data = {k: v for k, v in data.items() if k != "rules"} if isinstance(data, dict) else data
    assert errors(editor, data) == errors(loader, data)


RULE_SETTINGS = [
    ({"soft-404": "warning"}, True),
    ({"soft-404": "loud"}, False),
    ({"soft-40": "warning"}, False),  # no such rule
    ({"price-mismatch": {"severity": "info", "tolerance": 0.5}}, True),
    ({"price-mismatch": {"tolerance": "a lot"}}, False),
    ({"price-mismatch": {"tolerence": 0.5}}, False),  # no such option
    ({"slow-page": {"max_seconds": -1}}, False),
    ({"tracking-dropped": {"parameters": ["utm_source", 3]}}, False),
    ({"tracking-dropped": {"parameters": ["utm_source"], "severity": "off"}}, True),
    ({"not-in-sitemap": {"max_files": 0}}, False),
    ({"not-in-sitemap": {"max_files": 3}}, True),
    ({"redirect-chain": "off", "phone-missing": {"severity": "error"}}, True),
]


@pytest.mark.parametrize(("rules", "valid"), RULE_SETTINGS)
def test_an_editor_refuses_the_rule_settings_the_loader_refuses(
    rules: dict[str, Any], valid: bool
) -> None:
    from cxlint.catalogue import load_catalogue
    from cxlint.errors import UsageError
    from cxlint.manifest import load_manifest_text

    data = {"version": 1, "campaign": {"name": "x"}, "site": {"url": "https://a.example"},
            "rules": rules}  # fmt: skip
    editor = jsonschema.Draft7Validator(draft07_schema())
    found = errors(editor, data)
    assert (not found) is valid, found
    try:
        load_manifest_text(json.dumps(data), "m.yaml", rules=load_catalogue())
        loaded = True
    except UsageError:
        loaded = False
    assert loaded is valid


def test_the_comparison_can_fail() -> None:
    changed = draft07_schema()
    changed["definitions"]["product"]["properties"]["price"] = {"type": "string"}
    loader = jsonschema.Draft202012Validator(manifest_schema())
    assert errors(jsonschema.Draft7Validator(changed), BAD[2]) != errors(loader, BAD[2])


def test_every_example_manifest_names_the_schema_on_its_first_line() -> None:
    assert len(EXAMPLES) >= 2
    for path in EXAMPLES:
        first = path.read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema={SCHEMA_ID}", path.name


def test_validate_accepts_the_examples() -> None:
    """STAGING_TOKEN is unset here: validate checks how ${VAR} is written, not its value."""
    assert "${STAGING_TOKEN}" in (ROOT / "examples" / "spring-audio-sale.yaml").read_text()
    run = cxlint("validate", *(str(p.relative_to(ROOT)) for p in EXAMPLES))
    assert run.returncode == 0, run.stderr
    assert run.stderr == f"{len(EXAMPLES)} manifests valid\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_validate_reports_each_bad_manifest_on_one_line_as_check_does(tmp_path: Path) -> None:
    good = write(tmp_path, "campaign-ok.yaml", "version: 1\ncampaign: {name: A}\n"
                 "site: {url: 'https://a.example'}\n")  # fmt: skip
    unknown = write(tmp_path, "campaign-key.yaml", "version: 1\ncampaign: {name: A}\n"
                    "site: {url: 'https://a.example'}\nprodcts: []\n")  # fmt: skip
    reference = write(tmp_path, "campaign-ref.yaml", "version: 1\ncampaign: {name: A}\n"
                      "site: {url: 'https://a.example'}\nlanding_pages:\n"
                      "  - url: /a\n    products: [v710]\n")  # fmt: skip
    duplicate = write(tmp_path, "campaign-dup.yaml", "version: 1\ncampaign: {name: A}\n"
                      "site: {url: 'https://a.example'}\nproducts:\n"
                      "  - {id: p, name: P}\n  - {id: p, name: Q}\n")  # fmt: skip
    rule = write(tmp_path, "campaign-rule.yaml", "version: 1\ncampaign: {name: A}\n"
                 "site: {url: 'https://a.example'}\nrules: {soft-40: off}\n")  # fmt: skip
    missing = tmp_path / "campaign-missing.yaml"
    names = [good, unknown, reference, duplicate, rule, missing]
    run = cxlint("validate", *(p.name for p in names), cwd=tmp_path)
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 5 and "Traceback" not in run.stderr
    assert re.match(r"cxlint: error: campaign-key\.yaml:4:1: .*prodcts", lines[0])
    assert re.match(r"cxlint: error: campaign-ref\.yaml:\d+:\d+: .*v710", lines[1])
    assert re.match(r"cxlint: error: campaign-dup\.yaml:\d+:\d+: duplicate product id", lines[2])
    assert re.match(r"cxlint: error: campaign-rule\.yaml:4:\d+: unknown rule 'soft-40'", lines[3])
    assert lines[4] == "cxlint: error: manifest not found: campaign-missing.yaml"
    for bad, line in zip(names[1:], lines, strict=False):
        check = cxlint("check", bad.name, cwd=tmp_path)
        assert check.returncode == 2
        assert check.stderr.splitlines() == [line]  # check's own words, before any request


def test_validate_never_opens_the_network(tmp_path: Path) -> None:
    """A site that cannot be reached (port 9 on loopback refuses) is no error offline."""
    text = "version: 1\ncampaign: {name: A}\nsite: {url: 'http://127.0.0.1:9'}\n"
    path = write(tmp_path, "campaign.yaml", text + "products: [{id: p, name: P, url: /p}]\n")
    run = cxlint("validate", path.name, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert cxlint("check", path.name, "--retries", "0", cwd=tmp_path).returncode == 3


def test_the_pre_commit_hook_runs_cxlint_validate_on_manifest_names(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "cxlint-validate" and hook["language"] == "python"
    assert hook["files"] == FILE_PATTERN
    pattern = re.compile(hook["files"])
    for name in ("campaign.yaml", "campaigns/campaign-spring.yml", "cxlint.yaml",
                 "x/cxlint-v710.yaml", "spring.cxlint.yaml"):  # fmt: skip
        assert pattern.search(name), name
    for name in ("examples/spring-audio-sale.yaml", "mycampaign.yaml", "campaign.json",
                 "campaign/x.txt", ".gitlab-ci.yml"):  # fmt: skip
        assert not pattern.search(name), name
    # the hook's entry as pre-commit runs it: the command, then the matching file names
    write(tmp_path, "campaign.yaml", "version: 1\ncampaign: {name: A}\nsite: {url: 5}\n")
    entry = shlex.split(hook["entry"])
    assert entry[0] == "cxlint"
    run = cxlint(*entry[1:], "campaign.yaml", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.startswith("cxlint: error: campaign.yaml:3:")
