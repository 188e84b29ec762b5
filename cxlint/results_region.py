"""The results region of a search results page: the part that shows what the search found.

A results page repeats the site's chrome, and the chrome speaks of other things: a mini-cart's
"0 items in cart" is not "0 results", and a footer's "Recent posts" link to the product is not
the search finding it. Suggestions shown when nothing matched ("Popular products", "You may
also like") are not results either. So the search reads a results page's links and its
"no results" wording only here (cxlint.search), found in this order:

1. HTML semantics: the page's <main> (or role=main), else its body; inside it, navigation,
   asides and the page's own header and footer (not an article's or a section's) are chrome;
2. the names platforms give chrome and suggestion blocks (mini-cart, sidebar, breadcrumbs;
   related, upsell, recommendations, popular…), as whole class names or ids;
3. the headings of suggestion blocks ("Popular products", "You may also like"): the heading
   and what follows it up to the next heading of its level.

Chrome and suggestion blocks are removed. A "did you mean" is kept as text (the search reports
what the site suggests) but its links are unlinked: a suggestion is not a result.

Called once per results page on its own parsed tree (cxlint.page.parse_results_page), which
it changes; cost is a few XPath queries in C and Python work only on the blocks they find.
"""

from __future__ import annotations

import re

from lxml import etree

from cxlint.tree import Element, text

_MAIN = etree.XPath(".//main")  # the first (else the first role=main, as page.main_text)
# Attribute values as "smart" strings, which know their element. One query a name: their
# union made libxml2 sort a real page's thousands of attributes into document order (a
# quarter of the queries' time), which only the first role=main needs.
_NAMES = (etree.XPath("descendant::*/@class"), etree.XPath("descendant::*/@id"))
_ROLES = etree.XPath("descendant::*/@role")
_CHROME_TAGS = frozenset({"nav", "aside", "header", "footer"})
_CHROME_ROLES = frozenset({"navigation", "complementary", "banner", "contentinfo"})
# An article's or a section's own header and footer are its content (HTML: a header is the
# page's banner only outside these).
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})

# Whole class names (or ids) of chrome: a mini-cart and its parts, a sidebar, a widget area,
# breadcrumbs. Whole names only: "add-to-cart" (a result's button) or "has-sidebar" (a layout
# modifier on the content's wrapper) are not chrome.
_CHROME_NAME = (
    r"(?:(?:mini|header|side|site|top|nav|navbar|widget|sticky|floating|off-?canvas|my)[-_]?)*"
    r"(?:shopping[-_]?)?(?:cart|basket)"
    r"(?:[-_]?(?:widget|count|counter|summary|totals?|contents?|dropdown|drawer|preview|block"
    r"|wrapper|container|link|toggle|icon|panel|popup|area|qty|quantity|items?|amount|status"
    r"|info))*"
    r"|minicart(?:[-_][a-z0-9]+)*|widget[-_]shopping[-_]cart"
    r"|(?:(?:site|page|main|shop|blog|primary|secondary|left|right|product|woocommerce)[-_])*"
    r"sidebar(?:[-_](?:left|right|primary|secondary|wrapper|container|inner|area|widgets?|\d+))*"
    r"|(?:footer[-_])?widgets?[-_]area|footer[-_]widgets?"
    r"|(?:[a-z0-9]+[-_])*breadcrumbs?(?:[-_][a-z0-9]+)*"
)
# Whole class names (or ids) of suggestion blocks.
_SUGGESTION_NAME = (
    r"(?:(?:block|section|widget|box|module|products?|product-list|items?|list|grid|carousel"
    r"|slider|search|no-?results|empty)[-_])*"
    r"(?:popular|bestsellers?|best-?sellers?|top-?sellers?|trending|recommend(?:ed|ations?|er)?"
    r"|suggest(?:ed|ions?)?|up-?sells?|cross-?sells?|crosssells?|related|recently-?viewed"
    r"|also-?(?:bought|viewed|liked?)|did-?you-?mean|spell(?:ing|check)|alternatives?)"
    r"(?:[-_](?:products?|items?|block|section|widget|list|grid|carousel|slider|container"
    r"|wrapper|box|module|searches|terms|queries|title|content|inner|links?))*"
)
_BLOCK_NAME = re.compile(f"{_CHROME_NAME}|{_SUGGESTION_NAME}")
# A class or id value → whether one of its names is a chrome or suggestion block's. A site's
# pages repeat their values: each is understood once (bounded: hostile pages invent names).
_NAMED: dict[str, bool] = {}
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# The start of a suggestion block's heading (folded): what a site shows instead of results.
_SUGGESTION_HEADING = re.compile(
    r"(?:(?:our|most|top|some|other|more)\s+)?"
    r"(?:popular|bestsellers?|best[\s-]sellers?|top\s+sellers|trending|recommended"
    r"|recommendations|featured|new\s+arrivals|related|recently\s+viewed|favou?rites"
    r"|suggest(?:ed|ions?)|inspiration|you\s+(?:may|might|could)\s+(?:also\s+)?"
    r"(?:like|love|be\s+interested)|customers\s+(?:also|who)|people\s+(?:also|who)"
    r"|others\s+(?:also|bought)|try\s+(?:these|searching|one\s+of|our)|browse\s+(?:our|popular))"
)
# A site's spelling suggestion. Shared with cxlint.search, which reads what it suggests.
DID_YOU_MEAN = re.compile(
    r"did\s+you\s+mean|meinten\s+sie|vouliez-vous\s+dire|quisiste\s+decir|bedoelde\s+u",
    re.I,
)
# Words each phrase holds, found by str.find in C: the pattern itself, tried at every
# position of a page's text, cost a millisecond on a long page (see did_you_mean).
_DYM_WORDS = (
    "mean", "einten", "dire", "decir", "edoelde",  # lower case first (did_you_mean)
    "Mean", "MEAN", "EINTEN", "Dire", "DIRE", "Decir", "DECIR", "EDOELDE",
)  # fmt: skip


def results_region(root: Element) -> Element:
    """The element of a page (its root) holding the results page's own content, with the
    chrome and suggestion blocks inside it removed and the links of a "did you mean"
    unlinked. Changes the tree.

    The content's class, id and role values are read by XPath queries (each value judged
    once and remembered): a walk reading every element's attributes from Python cost twice
    as much, and an XPath that tested the names itself ten to a hundred times."""
    mains = _MAIN(root)
    body = root.find(".//body") if root.tag != "body" else root
    start = mains[0] if mains else (root if body is None else body)
    blocks: list[Element] = list(start.iter(*_CHROME_TAGS))
    role_main = None
    for value in _ROLES(start):
        if value == "main" and role_main is None:
            role_main = value.getparent()
        elif value in _CHROME_ROLES:
            blocks.append(value.getparent())
    for query in _NAMES:  # the blocks' order does not matter: each is emptied
        for value in query(start):
            if _named(value):
                element = value.getparent()
                if element.find(".//h1") is None:  # the page's own heading is never in a block
                    blocks.append(element)
    region = start
    if not mains and role_main is not None:
        region = role_main
        blocks = [b for b in blocks if _inside(b, region)]
    blocks = [b for b in blocks if b.tag not in ("header", "footer") or _unscoped(b)]
    for heading in region.iter(_HEADINGS):
        words = text(heading)
        if len(words) > 200:
            continue  # a result's long title, not a block's few words (cheaper than below)
        words = " ".join(words.split())
        if len(words) > 60 or not _SUGGESTION_HEADING.match(words.casefold()):
            continue
        if heading.find(".//a[@href]") is not None:
            continue  # a result's title ("Popular Mechanics, May issue"), not a block's
        blocks.append(heading)
        blocks.extend(_section_after(heading, region))
    for element in blocks:
        element.clear(keep_tail=True)
    if did_you_mean(text(region)):
        _unlink_did_you_mean(region)
    return region


def did_you_mean(words: str) -> re.Match[str] | None:
    """The first "did you mean" (in the languages above) in `words`: looked for around the
    places one of its words is, not at every position of a page's text."""
    ascii_ = words.isascii()  # then lower() keeps every offset: one search per word
    haystack = words.lower() if ascii_ else words
    found = None
    for word in _DYM_WORDS[:5] if ascii_ else _DYM_WORDS:
        at = haystack.find(word)
        while at != -1:
            asked = DID_YOU_MEAN.search(words, max(0, at - 24), at + len(word) + 8)
            if asked and (found is None or asked.start() < found.start()):
                found = asked
                break
            at = haystack.find(word, at + 1)
    return found


def _named(value: str) -> bool:
    """Whether a class or id value holds the whole name of a chrome or suggestion block."""
    verdict = _NAMED.get(value)
    if verdict is None:
        verdict = any(_BLOCK_NAME.fullmatch(name) for name in value.lower().split())
        if len(_NAMED) >= 20_000:
            _NAMED.clear()
        _NAMED[str(value)] = verdict  # a plain copy: an XPath's string keeps its whole tree
    return verdict


def _inside(element: Element, region: Element) -> bool:
    return any(ancestor is region for ancestor in element.iterancestors())


def _unscoped(element: Element) -> bool:
    """Whether a header or footer is the page's own, not an article's or a section's."""
    return not any(a.tag in _SECTIONING for a in element.iterancestors())


def _level(element: Element) -> int:
    tag = element.tag
    return int(tag[1]) if isinstance(tag, str) and len(tag) == 2 and tag[0] == "h" else 7


def _section_after(heading: Element, region: Element) -> list[Element]:
    """What a heading introduces: its following siblings up to the next heading of its level
    or above; when it has none (a heading wrapped in its own box), its box's, two levels up."""
    level = _level(heading)
    node = heading
    for _ in range(3):
        section = []
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if _level(sibling) <= level or any(
                _level(h) <= level for h in sibling.iter(*_HEADINGS)
            ):
                break
            section.append(sibling)
        if section:
            return section
        node = node.getparent()
        if node is None or node is region:
            break
    return []


def _unlink_did_you_mean(region: Element) -> None:
    """Unlink the links of the block that says "did you mean": the text stays (what the site
    suggests is worth reporting), but a suggested product is not a result."""
    for element in list(region.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.text and DID_YOU_MEAN.search(element.text):
            block, after = element, None
        elif element.tail and DID_YOU_MEAN.search(element.tail):
            block, after = element.getparent(), element
        else:
            continue
        if block is None:
            continue
        if block is region:  # said in the region's own text: only the links right after it
            first = after.getnext() if after is not None else (region[0] if len(region) else None)
            targets = _inline_run(first)
        else:
            targets = [block]
            if _level(block) < 7:  # a heading: the list of suggestions after it
                targets += _section_after(block, region)
        for target in targets:
            for link in target.iter("a"):
                link.attrib.pop("href", None)


_INLINE = frozenset({"a", "b", "strong", "em", "i", "span", "q", "mark"})


def _inline_run(start: Element | None) -> list[Element]:
    """`start` (when a link sits right after the words, its text is the suggestion) and the
    inline elements that follow it, up to the first block."""
    run = []
    node = start
    while node is not None and isinstance(node.tag, str) and node.tag in _INLINE:
        run.append(node)
        node = node.getnext()
    return run
