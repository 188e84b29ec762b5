"""The rule catalogue as a whole: rules/ is the single source of truth, every rule has an
implementation, cases that fire and cases that stay silent, and docs generated from it; the
manifest's `rules:` map, --select/--ignore and per-subject `ignore:` behave as documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from cxlint.catalogue import load_catalogue
from cxlint.checks import registry
from cxlint.cli import main
from cxlint.docs import catalogue_markdown
from cxlint.engine import active_rules
from cxlint.errors import UsageError
from cxlint.manifest import load_manifest
from tests.rulecase import serve
from tests.shared import SHARED

ROOT = Path(__file__).parent.parent
CASES = ROOT / "tests" / "rule_cases"
DOCS = ROOT / "docs" / "rules.md"
REGENERATE = "cxlint rules --format markdown > docs/rules.md"

# PRODUCT.md's stable rule names (its "Rule names" section); cross-checked with the file
# itself where shared/ sits beside the repository.
PRODUCT_RULES = {
    "page-unreachable",
    "soft-404",
    "redirect-to-generic",
    "redirect-chain",
    "tracking-dropped",
    "tracking-missing",
    "product-not-on-page",
    "wrong-product-on-page",
    "phone-missing",
    "canonical-mismatch",
    "insecure-url",
    "slow-page",
    "social-preview-missing",
    "model-not-on-product-page",
    "search-misses-product",
    "search-partial-match",
    "price-mismatch",
    "product-unavailable",
    "structured-data-missing",
    "product-page-noindex",
    "not-in-sitemap",
    "creative-link-broken",
    "creative-link-untracked",
    "creative-link-off-campaign",
    "search-not-found",
}


# --- rules/ is the single source of truth -----------------------------------------------------


def test_every_rule_file_has_an_implementation_and_every_implementation_a_file() -> None:
    files = set(load_catalogue())
    implemented = set(registry())
    assert sorted(files - implemented) == [], "rules/*.yaml without an implementation"
    assert sorted(implemented - files) == [], "implementations without a rules/<name>.yaml"


def test_every_rule_has_cases_that_fire_and_near_misses_that_stay_silent() -> None:
    problems = []
    for name in sorted(load_catalogue()):
        path = CASES / f"{name}.yaml"
        if not path.exists():
            problems.append(f"{name}: no tests/rule_cases/{name}.yaml")
            continue
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        if not any(case.get("expect") for case in cases):
            problems.append(f"{name}: no case where it fires")
        if not any(not case.get("expect") and "skipped" not in case for case in cases):
            problems.append(f"{name}: no near-miss where it is checked and stays silent")
    assert problems == []


def test_codes_are_unique_and_well_formed() -> None:
    codes = [r.code for r in load_catalogue().values()]
    assert all(code and re.fullmatch(r"CX\d{3}", code) for code in codes), codes
    assert len(set(codes)) == len(codes), sorted(codes)


def test_the_rule_reference_in_the_docs_is_generated_from_rules() -> None:
    want = catalogue_markdown(load_catalogue())
    got = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert got == want, f"docs/rules.md differs from rules/: regenerate it with `{REGENERATE}`"


def test_the_rules_command_writes_the_docs_byte_for_byte() -> None:
    out = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert out.exit_code == 0
    assert out.output == catalogue_markdown(load_catalogue())


def test_rules_json_lists_every_rule_of_the_product_with_its_docs() -> None:
    product_md = SHARED / "PRODUCT.md"
    names = set(PRODUCT_RULES)
    if product_md.exists():
        section = product_md.read_text(encoding="utf-8").split("### Rule names", 1)[1]
        section = section.split("\n## ", 1)[0].split("\nPlanned", 1)[0]  # not rules yet
        assert set(re.findall(r"`([a-z0-9-]+)`", section)) == names
    out = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert out.exit_code == 0
    listed = {rule["name"]: rule for rule in json.loads(out.output)}
    assert names <= set(listed)
    for rule in listed.values():
        assert rule["severity"] in ("error", "warning", "info")
        assert all(rule[key] for key in ("summary", "why", "fix", "example", "code"))
        for option in rule["options"].values():  # a JSON Schema fragment, as in the rule file
            assert {"type", "default", "description"} <= set(option)


def test_rules_table_and_explain() -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["rules"])
    assert table.exit_code == 0
    assert re.search(r"CX204\s+price-mismatch\s+error\s+product", table.output)
    for name in ("price-mismatch", "CX204", "cx204"):
        shown = runner.invoke(main, ["explain", name])
        assert shown.exit_code == 0, shown.output
        assert shown.output.startswith("price-mismatch (CX204)")
        assert "Why it matters" in shown.output
        assert "tolerance (number ≥ 0, default 0.01)" in shown.output
    unknown = runner.invoke(main, ["explain", "price-mismatc"])
    assert unknown.exit_code == 2
    assert unknown.output.strip() == (
        "cxlint: error: unknown rule 'price-mismatc'; did you mean 'price-mismatch'?"
    )


# --- severity configuration -------------------------------------------------------------------


def _manifest(tmp_path: Path, base: str = "https://shop.example", **extra: object) -> Path:
    data = {
        "version": 1,
        "campaign": {"name": "Rules", "id": "rules"},
        "site": {"url": base},
        "products": [{"id": "x1", "name": "Phone X1", "url": "/p/x1", "price": 99.0}],
        **extra,
    }
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _known() -> dict[str, set[str]]:
    return {name: set(rule.options) for name, rule in load_catalogue().items()}


def test_manifest_rules_map_sets_severities_options_and_turns_rules_off(tmp_path: Path) -> None:
    rules = {
        "price-mismatch": {"severity": "warning", "tolerance": 0.5},
        "not-in-sitemap": "off",
        "structured-data-missing": "error",
        "product-unavailable": {"severity": "info"},
        "product-page-noindex": {"crawlers": ["Googlebot"]},
    }
    campaign = load_manifest(_manifest(tmp_path, rules=rules), rules=_known())
    active = active_rules(load_catalogue(), campaign)
    assert active["price-mismatch"].severity == "warning"
    assert active["price-mismatch"].options["tolerance"] == 0.5
    assert "not-in-sitemap" not in active
    assert active["structured-data-missing"].severity == "error"  # a default warning raised
    assert active["product-unavailable"].severity == "info"
    assert active["product-page-noindex"].severity == "error"  # options only: default kept
    assert active["product-page-noindex"].options["crawlers"] == ["Googlebot"]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            {"price-mismatchh": "warning"},
            "unknown rule 'price-mismatchh'; did you mean 'price-mismatch'?",
        ),
        ({"price-mismatch": {"tolerence": 1}}, "rule 'price-mismatch' has no option 'tolerence'"),
        ({"price-mismatch": "critical"}, "critical"),
    ],
)
def test_bad_rules_map_is_exit_2_with_file_line_and_column(
    tmp_path: Path, rules: dict[str, object], message: str
) -> None:
    path = _manifest(tmp_path, rules=rules)
    out = CliRunner().invoke(main, ["check", str(path)])
    assert out.exit_code == 2, out.output
    line = out.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"cxlint: error: {path}:"), line
    assert message in line


def test_an_option_of_the_wrong_type_is_a_usage_error(tmp_path: Path) -> None:
    path = _manifest(tmp_path, rules={"price-mismatch": {"tolerance": "a cent"}})
    campaign = load_manifest(path, rules=_known())
    with pytest.raises(UsageError, match="option 'tolerance' of rule price-mismatch must be a"):
        active_rules(load_catalogue(), campaign)
    out = CliRunner().invoke(main, ["check", str(path)])
    assert out.exit_code == 2 and "must be a number" in out.output


def test_select_and_ignore_take_names_and_codes_and_refuse_unknown_ones(tmp_path: Path) -> None:
    campaign = load_manifest(_manifest(tmp_path), rules=_known())
    catalogue = load_catalogue()
    chosen = active_rules(catalogue, campaign, select=["CX204", "product-unavailable"])
    assert set(chosen) == {"price-mismatch", "product-unavailable"}
    rest = active_rules(catalogue, campaign, ignore=["CX301", "creative-link-untracked"])
    assert "creative-link-broken" not in rest and "creative-link-untracked" not in rest
    assert "creative-link-off-campaign" in rest
    for flag in ("--select", "--ignore"):
        out = CliRunner().invoke(main, ["check", str(tmp_path / "campaign.yaml"), flag, "pric"])
        assert out.exit_code == 2
        assert out.output.strip().startswith(f"cxlint: error: unknown rule 'pric' in {flag}")


def test_an_ignore_needs_a_reason(tmp_path: Path) -> None:
    products = [{"id": "x1", "name": "Phone X1", "ignore": [{"rule": "price-mismatch"}]}]
    out = CliRunner().invoke(main, ["check", str(_manifest(tmp_path, products=products))])
    assert out.exit_code == 2
    assert "reason" in out.output and "Traceback" not in out.output


# --- acknowledged findings are shown, not silenced --------------------------------------------


def test_an_acknowledged_finding_shows_in_every_report_and_does_not_fail_the_run(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    serve(
        httpserver,
        {"/p/x1": {"page": {"h1": "Phone X1", "body": '<p class="price">$109.00</p>'}}},
    )
    base = httpserver.url_for("/").rstrip("/")
    reason = "the price drops to $99 on launch day"
    products = [
        {
            "id": "x1",
            "name": "Phone X1",
            "url": "/p/x1",
            "price": 99.0,
            "currency": "USD",
            "ignore": [{"rule": "price-mismatch", "reason": reason}],
        }
    ]
    path = _manifest(tmp_path, base, products=products)
    report = tmp_path / "run.json"
    args = ["check", str(path), "--select", "price-mismatch", "--no-color"]
    out = CliRunner().invoke(main, [*args, "--report", f"json:{report}"])
    assert out.exit_code == 0, out.output  # acknowledged: it does not fail the run...
    assert f"(acknowledged: {reason})" in out.output  # ...but the terminal shows it
    assert "The site sells Phone X1 at $109.00" in out.output
    assert "1 acknowledged" in out.output
    data = json.loads(report.read_text(encoding="utf-8"))
    (finding,) = data["findings"]
    assert finding["rule"] == "price-mismatch" and finding["acknowledged"] == reason
    assert data["summary"]["acknowledged"] == 1 and data["summary"]["errors"] == 0
    again = CliRunner().invoke(main, ["report", str(report), "--format", "text", "--no-color"])
    assert f"(acknowledged: {reason})" in again.output
    # without the ignore, the same finding fails the run
    products[0].pop("ignore")
    _manifest(tmp_path, base, products=products)  # rewrites the same file
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 1
