"""cxlint on a real DokuWiki (tests/platforms/dokuwiki.py): a tool maker's campaign with
planted defects and healthy controls, checked with `python -m cxlint check` as a user would.

Marked `platforms` (deselect with -m "not platforms"); skipped where Debian's packages are
missing; .ci/run installs them. docs/platforms.md has the figures.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.platforms import common
from tests.platforms.common import Site
from tests.platforms.dokuwiki import CAMPAIGN, dokuwiki_site  # noqa: F401 - the fixture

pytestmark = pytest.mark.platforms


@pytest.fixture(scope="module")
def report(dokuwiki_site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # noqa: F811
    folder = tmp_path_factory.mktemp("dokuwiki-run")
    code, report = common.check(CAMPAIGN.manifest(dokuwiki_site.url), folder)
    assert code == 1, "the planted defects are errors"
    return report


def test_search_is_discovered_from_dokuwikis_opensearch_description(
    report: dict[str, Any],
    dokuwiki_site: Site,  # noqa: F811
) -> None:
    # lib/exe/opensearch.php names id={searchTerms}; DokuWiki redirects that to its q= search
    search = report["search"]
    assert search["method"] == "opensearch"
    assert search["template"] == f"{dokuwiki_site.url}/doku.php?do=search&id={{query}}"


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
