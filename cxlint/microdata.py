"""schema.org microdata (itemscope/itemprop) as JSON-LD-shaped dicts.

Many shop templates still mark products up with microdata rather than JSON-LD; Google and
shopping feeds read both. Items come out like JSON-LD objects (`@type`, properties, nested
items as dicts) plus `"@source": "microdata"`, so rules read one shape whatever the markup.
"""

from __future__ import annotations

from typing import Any

from bs4 import Tag

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


def items(root: Tag) -> list[dict[str, Any]]:
    """The top-level microdata items of a document, each with its nested items."""
    budget = [MAX_ITEMS]
    return [
        _item(scope, budget)
        for scope in root.find_all(attrs={"itemscope": True})
        if not scope.has_attr("itemprop") and budget[0] > 0
    ]


def _item(scope: Tag, budget: list[int]) -> dict[str, Any]:
    budget[0] -= 1
    item: dict[str, Any] = {"@source": SOURCE}
    kinds = str(scope.get("itemtype") or "").split()
    if kinds:
        item["@type"] = kinds[0] if len(kinds) == 1 else kinds
    for prop in _properties(scope):
        value = (
            _item(prop, budget) if prop.has_attr("itemscope") and budget[0] > 0 else _value(prop)
        )
        for name in str(prop.get("itemprop") or "").split():
            if name in item:  # a repeated property becomes a list, as in JSON-LD
                existing = item[name]
                item[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                item[name] = value
    return item


def _properties(scope: Tag) -> list[Tag]:
    """The itemprop elements that belong to `scope`, not to an item nested inside it."""
    found: list[Tag] = []
    stack = list(reversed([c for c in scope.children if isinstance(c, Tag)]))
    while stack:
        node = stack.pop()
        if node.has_attr("itemprop"):
            found.append(node)
        if not node.has_attr("itemscope"):  # a nested item owns its own properties
            stack.extend(reversed([c for c in node.children if isinstance(c, Tag)]))
    return found


def _value(prop: Tag) -> str:
    if prop.has_attr("content"):  # <span itemprop="price" content="499.99">$499.99</span>
        return str(prop["content"]).strip()
    attr = _URL_ATTRS.get(prop.name) or _VALUE_ATTRS.get(prop.name)
    if attr and prop.has_attr(attr):
        return str(prop[attr]).strip()
    return " ".join(prop.get_text(" ").split())
