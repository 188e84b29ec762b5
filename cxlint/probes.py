"""The few extra URLs the engine asks a site for, beyond the manifest's own.

Pure helpers (no network): the engine fetches what they build, rules read what they name.

- A not-found fingerprint: a made-up path beside a landing page, to learn what the site
  answers for a page that does not exist (an honest 404, or a 200 "not found" page to compare
  with — soft-404).
- Sentinel click ids: ad platforms append `gclid` (Google) and `fbclid` (Meta) to every
  clicked link, so the campaign URL is fetched once more with them to see whether its
  redirects keep them (tracking-dropped).
"""

from __future__ import annotations

from urllib.parse import urlsplit

# What ad platforms append to a clicked link, with a value no real click carries.
SENTINELS: tuple[tuple[str, str], ...] = (("gclid", "cxlint-test"), ("fbclid", "cxlint-test"))


def with_sentinels(url: str) -> str:
    """`url` with the sentinel click ids appended to its query, before any fragment."""
    before, hash_, fragment = url.partition("#")
    extra = "&".join(f"{k}={v}" for k, v in SENTINELS)
    if "?" not in before:
        joined = f"{before}?{extra}"
    elif before.endswith(("?", "&")):
        joined = before + extra
    else:
        joined = f"{before}&{extra}"
    return joined + hash_ + fragment


def not_found_url(url: str, token: str) -> str | None:
    """A path that cannot exist, in the same folder as `url` (None for a site root).

    Beside the page rather than at the root, because sites often answer per section: /lp/
    may render a 200 "campaign not found" while /nope is an honest 404. One probe per folder
    and run is enough; the same token keeps the URL the same so the fetcher deduplicates it.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc or parts.path.strip("/") == "":
        return None
    folder = parts.path.rsplit("/", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{folder}/cxlint-{token}-no-such-page"


def gets_click_ids(channel: str | None, without: list[str]) -> bool:
    """Whether clicks on a link of this channel can carry ad click ids (not print, e-mail...)."""
    return (channel or "").strip().casefold() not in {c.casefold() for c in without}
