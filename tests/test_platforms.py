"""cxlint on real third-party platforms (tests/platforms/): WordPress, a Shuup storefront and
DokuWiki, each serving a campaign with planted defects and healthy controls, checked with
`python -m cxlint check` as a user would.

Marked `platforms` (deselect with -m "not platforms"); a platform whose packages are missing
is skipped on a developer's machine (never under CI); .ci/run installs them, and Shuup's
fixture makes its own venv once in a cache folder. docs/platforms.md has the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.platforms import common, dokuwiki, shuup, wordpress
from tests.platforms.common import Site
from tests.platforms.dokuwiki import dokuwiki_site  # noqa: F401 - the fixtures
from tests.platforms.shuup import shuup_site  # noqa: F401
from tests.platforms.wordpress import wordpress_site  # noqa: F401

pytestmark = pytest.mark.platforms


@dataclass(frozen=True)
class Platform:
    campaign: Any  # common.Campaign
    fixture: str
    search_method: str  # how cxlint must discover the site's search
    search_path: str  # the search template it must find, after the site's URL


PLATFORMS = {
    "wordpress": Platform(wordpress.CAMPAIGN, "wordpress_site", "form", "/?s={query}"),
    "shuup": Platform(shuup.CAMPAIGN, "shuup_site", "form", "/search/?q={query}"),
    # lib/exe/opensearch.php names id={searchTerms}; DokuWiki redirects that to its q= search
    "dokuwiki": Platform(
        dokuwiki.CAMPAIGN, "dokuwiki_site", "opensearch", "/doku.php?do=search&id={query}"
    ),
}
_REPORTS: dict[str, tuple[Site, dict[str, Any]]] = {}


def _across(cases: Callable[[Any], list[Any]]) -> list[Any]:
    """Each platform's cases (pytest.params with their marks), led by the platform's name."""
    return [
        pytest.param(name, *case.values, marks=case.marks, id=f"{name}-{case.id}")
        for name, platform in PLATFORMS.items()
        for case in cases(platform.campaign)
    ]


def run(name: str, request: pytest.FixtureRequest) -> tuple[Site, dict[str, Any]]:
    """The platform's site and the JSON report of one check of its campaign (once a session)."""
    if name not in _REPORTS:
        platform = PLATFORMS[name]
        site: Site = request.getfixturevalue(platform.fixture)
        folder = request.getfixturevalue("tmp_path_factory").mktemp(f"{name}-run")
        code, report = common.check(platform.campaign.manifest(site.url), folder)
        assert code == 1, "the planted defects are errors"
        _REPORTS[name] = site, report
    return _REPORTS[name]


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_search_is_discovered(name: str, request: pytest.FixtureRequest) -> None:
    site, report = run(name, request)
    platform = PLATFORMS[name]
    assert report["search"]["method"] == platform.search_method
    assert report["search"]["template"] == site.url + platform.search_path


@pytest.mark.parametrize(("name", "key", "rule"), _across(lambda c: c.planted_cases()))
def test_planted_defect_is_found(
    name: str, key: str, rule: str, request: pytest.FixtureRequest
) -> None:
    common.assert_planted_found(run(name, request)[1], PLATFORMS[name].campaign, key, rule)


@pytest.mark.parametrize(("name", "key", "rule"), _across(lambda c: c.reason_cases()))
def test_planted_defect_is_found_for_its_reason(
    name: str, key: str, rule: str, request: pytest.FixtureRequest
) -> None:
    common.assert_planted_reason(run(name, request)[1], PLATFORMS[name].campaign, key, rule)


@pytest.mark.parametrize(("name", "key"), _across(lambda c: c.subject_cases()))
def test_no_false_errors(name: str, key: str, request: pytest.FixtureRequest) -> None:
    common.assert_no_false_errors(run(name, request)[1], PLATFORMS[name].campaign, key)


@pytest.mark.parametrize(("name", "key", "rule"), _across(lambda c: c.false_error_cases()))
def test_no_false_error_known_today(
    name: str, key: str, rule: str, request: pytest.FixtureRequest
) -> None:
    common.assert_not_reported(run(name, request)[1], PLATFORMS[name].campaign, key, rule)
