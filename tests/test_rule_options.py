"""A rule's options in a manifest are checked by the catalogue, at load time: an option the
rule does not take is reported at its key, a value of the wrong type at the value, both with
the manifest's file:line:column (and so by `cxlint validate` too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxlint.catalogue import OptionProblem, load_catalogue, unknown_options
from cxlint.cli import main
from cxlint.errors import UsageError
from cxlint.manifest import load_manifest_text
from cxlint.model import Location

BASE = """\
version: 1
campaign: {name: Rules}
site: {url: https://shop.example}
products:
  - {id: x1, name: Phone X1, url: /p/x1, price: 99}
rules:
"""


def load(rules: str) -> object:
    return load_manifest_text(BASE + rules, "m.yaml", env={}, rules=load_catalogue())


@pytest.mark.parametrize(
    ("rules", "line", "column", "message"),
    [
        (
            "  price-mismatch: {tolerance: a cent}\n",
            7,
            31,
            "option 'tolerance' of rule price-mismatch must be a number",
        ),
        (
            "  not-in-sitemap:\n    max_files: 2.5\n",
            8,
            16,
            "option 'max_files' of rule not-in-sitemap must be a whole number",
        ),
        (
            "  not-in-sitemap: {max_files: true}\n",
            7,
            31,
            "option 'max_files' of rule not-in-sitemap must be a whole number",
        ),
        (
            "  insecure-url: {allow_local: 'yes'}\n",
            7,
            31,
            "option 'allow_local' of rule insecure-url must be true or false",
        ),
        (
            "  product-page-noindex: {crawlers: Googlebot}\n",
            7,
            36,
            "option 'crawlers' of rule product-page-noindex must be a list",
        ),
        (
            "  product-page-noindex: {crawlers: [Googlebot, 3]}\n",
            7,
            36,
            "option 'crawlers' of rule product-page-noindex must be a list of strings; "
            "entry 2 is not",
        ),
        (
            "  not-in-sitemap: {max_files: 0}\n",
            7,
            31,
            "option 'max_files' of rule not-in-sitemap must be at least 1",
        ),
        (
            "  soft-404: {similarity: 1.5}\n",
            7,
            26,
            "option 'similarity' of rule soft-404 must be at most 1",
        ),
        (
            "  phone-missing: {region: gb}\n",
            7,
            27,
            "option 'region' of rule phone-missing must be written like US, GB or FR, not 'gb'",
        ),
        (
            "  slow-page: {severity: warning, max_secs: 3}\n",
            7,
            34,
            "rule 'slow-page' has no option 'max_secs'; did you mean 'max_seconds'?",
        ),
        (
            "  canonical-mismatch: {limit: 3}\n",
            7,
            24,
            "rule 'canonical-mismatch' has no option 'limit' (it only takes 'severity')",
        ),
    ],
)
def test_bad_options_are_manifest_errors_where_written(
    rules: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(UsageError) as info:
        load(rules)
    assert info.value.message == message
    assert info.value.location == Location("m.yaml", line, column)


def test_good_options_load_as_written() -> None:
    campaign = load(
        "  price-mismatch: {severity: warning, tolerance: 0.5}\n"
        "  product-page-noindex: {crawlers: [Googlebot]}\n"
        "  not-in-sitemap: {max_files: 3}\n"
    )
    rules = campaign.rules  # type: ignore[attr-defined]
    assert rules["price-mismatch"].options == {"tolerance": 0.5}
    assert rules["product-page-noindex"].options == {"crawlers": ["Googlebot"]}


def test_the_first_problem_in_the_file_is_reported() -> None:
    with pytest.raises(UsageError) as info:
        load("  slow-page: {max_kb: lots, max_secs: 3}\n  price-mismatch: {tolerance: x}\n")
    assert info.value.location == Location("m.yaml", 7, 23)
    assert info.value.message == "option 'max_kb' of rule slow-page must be a number"


def test_option_problems_of_a_rule() -> None:
    rule = load_catalogue()["slow-page"]
    assert rule.option_problems({"max_seconds": 2, "max_kb": 10.5}) == []
    assert rule.option_problems({"max_seconds": False, "max_kbs": 1}) == [
        OptionProblem(
            "max_kbs", "rule 'slow-page' has no option 'max_kbs'; did you mean 'max_kb'?", True
        ),
        OptionProblem(
            "max_seconds", "option 'max_seconds' of rule slow-page must be a number", False
        ),
    ]


def test_every_option_is_a_json_schema_fragment_its_default_fits() -> None:
    from jsonschema import Draft202012Validator

    for rule in load_catalogue().values():
        for option in rule.options.values():
            Draft202012Validator.check_schema(dict(option.schema))
            assert {"type", "default", "description"} <= set(option.schema), rule.name
            assert rule.check_option(option.name, option.default) is None, (rule.name, option)


def test_an_integer_option_is_a_whole_number_as_written() -> None:
    rule = load_catalogue()["not-in-sitemap"]
    assert rule.check_option("max_files", 3) is None
    for value in (3.0, True, "3"):
        assert rule.check_option("max_files", value) == (
            "option 'max_files' of rule not-in-sitemap must be a whole number"
        )


def test_a_rule_file_option_needs_its_type_default_and_description(tmp_path: Path) -> None:
    from cxlint.catalogue import _load_rule

    text = (Path(__file__).resolve().parents[1] / "rules" / "price-mismatch.yaml").read_text()
    bad = tmp_path / "price-mismatch.yaml"
    bad.write_text(text.replace("    default: 0.01\n", ""))
    with pytest.raises(UsageError, match="needs at least type, default and description"):
        _load_rule(bad)
    bad.write_text(text.replace("type: number", "type: money"))
    with pytest.raises(UsageError, match="has type 'money', not one of integer, number"):
        _load_rule(bad)


def test_unknown_options_lists_what_a_rule_takes_and_shortens_what_was_written() -> None:
    [problem] = unknown_options("r", ["zzz"], ["alpha", "beta"])
    assert problem.message == "rule 'r' has no option 'zzz'; its options are alpha, beta"
    [problem] = unknown_options("r", ["x\n" + "y" * 100], [])
    assert problem.message.startswith("rule 'r' has no option 'x\\nyyy")
    assert "…'" in problem.message and "\n" not in problem.message


def test_validate_reports_an_option_of_the_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text(BASE + "  price-mismatch: {tolerance: a cent}\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["validate", str(path)])
    assert out.exit_code != 0
    assert f"{path}:7:31: option 'tolerance' of rule price-mismatch must be a number" in out.output


PACKAGE = Path(__file__).resolve().parent.parent / "cxlint" / "manifest"


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("yaml_errors", {"jsonschema", "cxlint.manifest", "cxlint.catalogue"}),
        ("yaml_positions", {"jsonschema", "cxlint.manifest.schema_errors", "cxlint.catalogue"}),
        ("schema_errors", {"cxlint.manifest.build", "cxlint.manifest.variables"}),
        ("variables", {"cxlint.manifest.build", "cxlint.catalogue"}),
    ],
)
def test_the_manifest_package_imports_one_way(module: str, forbidden: set[str]) -> None:
    imported = _imports(module)
    assert not {
        name for name in imported if any(name == f or name.startswith(f + ".") for f in forbidden)
    }
    assert all(
        p.stat().st_size and len(p.read_text().splitlines()) <= 420 for p in PACKAGE.glob("*.py")
    )
