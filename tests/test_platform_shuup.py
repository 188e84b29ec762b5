"""cxlint on a real Shuup storefront (tests/platforms/shuup.py): a shop's campaign with
planted defects and healthy controls, checked with `python -m cxlint check` as a user would.

Marked `platforms` (deselect with -m "not platforms"); the fixture makes Shuup's own venv once
in a cache folder (about a minute, from PyPI). docs/platforms.md has the figures.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.platforms import common
from tests.platforms.common import Site
from tests.platforms.shuup import CAMPAIGN, shuup_site  # noqa: F401 - the fixture

pytestmark = pytest.mark.platforms


@pytest.fixture(scope="module")
def report(shuup_site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # noqa: F811
    folder = tmp_path_factory.mktemp("shuup-run")
    code, report = common.check(CAMPAIGN.manifest(shuup_site.url), folder)
    assert code == 1, "the planted defects are errors"
    return report


def test_search_is_discovered_from_the_themes_search_form(
    report: dict[str, Any],
    shuup_site: Site,  # noqa: F811
) -> None:
    search = report["search"]
    assert search["method"] == "form"
    assert search["template"] == f"{shuup_site.url}/search/?q={{query}}"


@pytest.mark.parametrize(("key", "rule"), CAMPAIGN.planted_cases())
def test_planted_defect_is_found(report: dict[str, Any], key: str, rule: str) -> None:
    common.assert_planted_found(report, CAMPAIGN, key, rule)


@pytest.mark.parametrize(("key", "rule"), CAMPAIGN.reason_cases())
def test_planted_defect_is_found_for_its_reason(
    report: dict[str, Any], key: str, rule: str
) -> None:
    common.assert_planted_reason(report, CAMPAIGN, key, rule)


@pytest.mark.parametrize("key", CAMPAIGN.subject_cases())
def test_no_false_errors(report: dict[str, Any], key: str) -> None:
    common.assert_no_false_errors(report, CAMPAIGN, key)


@pytest.mark.parametrize(("key", "rule"), CAMPAIGN.false_error_cases())
def test_no_false_error_known_today(report: dict[str, Any], key: str, rule: str) -> None:
    common.assert_not_reported(report, CAMPAIGN, key, rule)
