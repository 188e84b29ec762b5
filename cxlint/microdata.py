"""schema.org microdata (itemscope/itemprop) as JSON-LD-shaped dicts.

Many shop templates still mark products up with microdata rather than JSON-LD; Google and
shopping feeds read both. Items come out like JSON-LD objects (`@type`, properties, nested
items as dicts) plus `"@source": "microdata"`, so rules read one shape whatever the markup.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from cxlint.tree import Element, as_element, text

SOURCE = "microdata"
MAX_ITEMS = 500  # bounds hostile pages with thousands of itemscopes

# Where an element keeps its machine-readable value (the HTML microdata algorithm).
_URL_ATTRS = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "embed": "src",
    "object": "data",
}
_VALUE_ATTRS = {"meta": "content", "data": "value", "meter": "value", "time": "datetime"}


def items(root: Element) -> list[dict[str, Any]]:
    """The top-level microdata items of a document (an lxml element), with their nested items."""
    budget = [MAX_ITEMS]
    return [
        _item(scope, budget)
        for scope in (attribute.getparent() for attribute in _SCOPES(as_element(root)))
        if scope.get("itemprop") is None and budget[0] > 0
    ]


# The attributes, then their elements: libxml2 tests an attribute's presence on every element
# far faster this way than as the predicate of `.//*[@itemscope]` (docs/performance.md).
_SCOPES = etree.XPath("descendant::*/@itemscope")


def _item(scope: Element, budget: list[int]) -> dict[str, Any]:
    budget[0] -= 1
    item: dict[str, Any] = {"@source": SOURCE}
    kinds = str(scope.get("itemtype") or "").split()
    if kinds:
        item["@type"] = kinds[0] if len(kinds) == 1 else kinds
    for prop in _properties(scope):
        value = (
            _item(prop, budget)
            if prop.get("itemscope") is not None and budget[0] > 0
            else _value(prop)
        )
        for name in str(prop.get("itemprop") or "").split():
            if name in item:  # a repeated property becomes a list, as in JSON-LD
                existing = item[name]
                item[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                item[name] = value
    return item


def _properties(scope: Element) -> list[Element]:
    """The itemprop elements that belong to `scope`, not to an item nested inside it, in
    document order. Found in C as attributes (a Python walk of a product item's every element
    cost most of reading microdata), then each kept unless an item between owns it."""
    found: list[Element] = []
    for attribute in _PROPS(scope):
        prop = attribute.getparent()
        node = prop.getparent()
        while node is not scope and node.get("itemscope") is None:
            node = node.getparent()
        if node is scope:  # a nested item owns its own properties
            found.append(prop)
    return found


_PROPS = etree.XPath("descendant::*/@itemprop")


def _value(prop: Element) -> str:
    content = prop.get("content")
    if content is not None:  # <span itemprop="price" content="499.99">$499.99</span>
        return content.strip()
    attr = _URL_ATTRS.get(prop.tag) or _VALUE_ATTRS.get(prop.tag)
    if attr and prop.get(attr) is not None:
        return prop.get(attr).strip()
    return " ".join(text(prop).split())
