"""page-title-generic: a landing page whose <title> says nothing of what the campaign sells.

The title is what a browser tab, a bookmark, a search result and most link previews show.
"Home", "Untitled" or the shop's name alone (the home page's own title) tell a visitor who
comes back to the tab, or sees the page shared, nothing of the offer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NotRequired, TypedDict

from cxlint import urls
from cxlint.checks import PAGE, Found, rule
from cxlint.checks.context import LandingContext
from cxlint.checks.evidence import Evidence
from cxlint.text import fold


class PageTitleGenericOptions(TypedDict):
    generic_titles: list[str]


class PageTitleGenericEvidence(Evidence):
    page: str
    title: str  # "(none)" when it has none
    h1: NotRequired[str]  # its first heading


@rule(
    "page-title-generic",
    needs=(PAGE,),
    evidence=PageTitleGenericEvidence,
    options=PageTitleGenericOptions,
)
def page_title_generic(
    ctx: LandingContext, options: PageTitleGenericOptions
) -> Iterator[Found[PageTitleGenericEvidence]]:
    page = ctx.page
    assert page is not None
    title = " ".join(page.title.split())
    words = fold(title).strip(" -|–—:·")
    generic = {fold(w) for w in options["generic_titles"]}
    home = ctx.home
    home_title = " ".join(home.title.split()) if home is not None else ""
    if not words:
        why = "has no title"
    elif words in generic:
        why = f'is titled only "{title}"'
    elif (
        home is not None and not _same(home.final_url, page.final_url) and fold(home_title) == words
    ):
        why = f'has the home page\'s title, "{title}"'
    else:
        return
    promised = ", ".join(p.name for p in ctx.products[:2])
    subject = f"the page's offer ({promised})" if promised else "what the page offers"
    evidence: PageTitleGenericEvidence = {"page": page.final_url, "title": title or "(none)"}
    if page.h1:
        evidence["h1"] = page.h1[0]
    yield Found(
        f"The landing page {why}: browser tabs, bookmarks, search results and shared links "
        f"will not say {subject}.",
        evidence,
        fix=f"Give the page a <title> that names {subject}, for example "
        f'"{page.h1[0] if page.h1 else "the offer"} | the shop\'s name".',
    )


def _same(a: str, b: str) -> bool:
    """The same page: a link that lands on the home page is redirect-to-generic's to judge."""
    return urls.normalize_for_compare(a) == urls.normalize_for_compare(b)
