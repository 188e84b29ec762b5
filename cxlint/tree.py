"""Reading parsed HTML (lxml elements): the text a visitor reads, and a few element helpers.

Text is read the way Beautiful Soup's `get_text(" ")` read it before: every string inside an
element, joined by a space, where strings inside script, style, template, rt and rp are never
text. Rather than test each string's ancestors (costly), the page's facts first empty those
elements' strings (`drop_non_text`), and later empty the elements a visitor cannot see (`drop`),
as Beautiful Soup's `decompose` did; the tree is the page's own and thrown away afterwards.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

Element = Any  # lxml.etree._Element; lxml does not export its type for annotations

NOT_TEXT = ("script", "style", "template", "rt", "rp")
INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")
FURNITURE = ("header", "nav", "aside", "footer")

# In C, not a Python walk of the tree; plain strings, as "smart" ones (which know their
# element) cost more than the walk itself (docs/performance.md, "Measured choices").
_STRINGS = etree.XPath(".//text()", smart_strings=False)


def text(element: Element, separator: str = " ") -> str:
    """All strings inside `element`, joined by `separator`."""
    if len(element) == 0:  # most links and cells: no need to ask XPath
        return element.text or ""
    return separator.join(_STRINGS(element))


def drop_non_text(root: Element) -> None:
    """Empty the strings of script, style, template, rt and rp (and of everything inside them),
    keeping the elements: links and microdata inside a <template> are still found."""
    for element in root.iter(*NOT_TEXT):
        for inner in element.iter():
            if isinstance(inner.tag, str):  # comments keep theirs: never text anyway
                inner.text = None
            if inner is not element:
                inner.tail = None


def drop(root: Element, tags: tuple[str, ...]) -> None:
    """Remove these elements below `root` with all they hold; the text after each stays."""
    for element in list(root.iterdescendants(*tags)):
        element.clear(keep_tail=True)


def children(element: Element) -> list[Element]:
    """Child elements, without comments and processing instructions."""
    return [child for child in element if isinstance(child.tag, str)]


def as_element(root: Any) -> Element:
    """`root` as an lxml element: an element itself, else the HTML its str() gives (a Beautiful
    Soup tree, say), parsed."""
    if isinstance(root, etree._Element):
        return root
    return etree.fromstring(str(root), etree.HTMLParser())
