"""Microdata properties found by XPath belong to the same items as in the HTML algorithm's
walk: a property inside a nested item is that item's, in document order."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cxlint import microdata
from cxlint.tree import children


def _walked(scope: Any) -> list[Any]:
    """The properties of `scope` by the walk the reader used before."""
    found = []
    stack = list(reversed(children(scope)))
    while stack:
        node = stack.pop()
        if node.get("itemprop") is not None:
            found.append(node)
        if node.get("itemscope") is None:
            stack.extend(reversed(children(node)))
    return found


_NODE = st.recursive(
    st.tuples(st.booleans(), st.booleans(), st.just([])),
    lambda inner: st.tuples(st.booleans(), st.booleans(), st.lists(inner, max_size=4)),
    max_leaves=30,
)


def _html(node: tuple[bool, bool, list[Any]], index: list[int]) -> str:
    prop, scope, kids = node
    index[0] += 1
    attrs = (f' itemprop="p{index[0]}"' if prop else "") + (" itemscope" if scope else "")
    inner = "".join(_html(kid, index) for kid in kids)
    return f"<div{attrs}><!-- c -->{inner}</div>"


@settings(max_examples=300, deadline=None)
@given(st.lists(_NODE, min_size=1, max_size=4))
def test_properties_are_the_walks(nodes: list[Any]) -> None:
    body = "".join(_html(node, [0]) for node in nodes)
    root = etree.fromstring(
        f"<html><body><div itemscope>{body}</div></body></html>", etree.HTMLParser()
    )
    for scope in root.iter():
        if isinstance(scope.tag, str) and scope.get("itemscope") is not None:
            assert microdata._properties(scope) == _walked(scope)
