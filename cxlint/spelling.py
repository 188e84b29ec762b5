"""Manifest typo or site fault? A near spelling of the campaign's model number on its page.

When the model number the campaign prints is nowhere on the product page, but the page's own
product data (schema.org sku, mpn, model, name) or its heading holds a spelling one edit away
(MT8 for the campaign's MTB8) or one that differs only in separators (SM-S921B for SMS921B),
the manifest may be what is wrong, not the site. Rules then ask, and point the fix at the
manifest first. They ask rather than assert: a different model of the same family (SM-S921U
beside SM-S921B, V720 beside V710) is one edit away too, which is why a substituted character
is worded as "another variant?" and not as a typo.

Only distance 1 is ever asked, so `one_edit` compares the two strings once, in linear time, and
says which edit it is (which the wording needs); a general Damerau-Levenshtein table (or a
library such as rapidfuzz) would compute distances nobody reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cxlint.page import Page
from cxlint.text import contains_any_spelling, fold

_SEPARATORS = re.compile(r"[\s\-_./]+")
_TRIM = "()[]{},;:!?\"'“”‘’«»"
MIN_LENGTH = 4  # a shorter model number (X1, V9) is one edit from too many other words
_KEYS = ("sku", "mpn", "model", "productID", "name")  # the product data read, in this order
_SHOWN_IN = ("name", "sku", "mpn", "model")  # where a page shows the model itself
# edits that read as a slip of the keyboard (the manifest may be wrong), not as another model
TYPO_EDITS = frozenset({"separators", "extra", "missing", "swapped"})


@dataclass(frozen=True)
class NearSpelling:
    model: str  # the model number as the campaign prints it
    spelling: str  # the near spelling, as the page writes it
    where: str  # "product data (sku)", "heading"
    # separators | extra (the campaign's has one character more) | missing | swapped |
    # other (one character differs) | another product (another product's model, by id)
    edit: str
    other_product: str | None = None  # the id of the campaign's product with that model

    @property
    def typo(self) -> bool:
        """Whether it reads as a slip of the keyboard rather than another model."""
        return self.edit in TYPO_EDITS

    def described(self) -> str:
        """How the two spellings differ, in plain words."""
        model, spelling = self.model, self.spelling
        return {
            "separators": f"{model} and {spelling} differ only in spaces or hyphens",
            "extra": f"{model} has one character more than {spelling}",
            "missing": f"{model} has one character less than {spelling}",
            "swapped": f"{model} and {spelling} have two characters swapped",
            "other": f"{model} and {spelling} differ in one character",
            "another product": f"{spelling} is the model of {self.other_product} in the manifest",
        }[self.edit]


def page_shows(page: Page, model: str) -> str | None:
    """The spelling of `model` the page uses (its text, headings or product data), if any."""
    data = " ".join(str(item.get(key, "")) for item in page.products for key in _SHOWN_IN)
    return contains_any_spelling(page.all_text() + " " + data, model)


def compact(text: str) -> str:
    """`text` folded, without spaces, hyphens, underscores, dots or slashes."""
    return _SEPARATORS.sub("", fold(text))


def one_edit(campaign: str, page: str) -> str | None:
    """How `page` differs from `campaign` when they are one edit apart (Damerau-Levenshtein
    distance 1): "extra" (the campaign's has one character more), "missing" (one less),
    "swapped" (two neighbours), "other" (one character differs); None when they are equal
    or further apart."""
    a, b = campaign, page
    if a == b or abs(len(a) - len(b)) > 1:
        return None
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1  # the first difference
    if len(a) > len(b):
        return "extra" if a[i + 1 :] == b[i:] else None
    if len(a) < len(b):
        return "missing" if a[i:] == b[i + 1 :] else None
    if a[i + 1 :] == b[i + 1 :]:
        return "other"
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
    return "swapped" if swapped and a[i + 2 :] == b[i + 2 :] else None


def near_spelling(
    model: str, page: Page, others: dict[str, str] | None = None
) -> NearSpelling | None:
    """The first near spelling of `model` in the page's own product data, then its heading.
    `others`: the campaign's other products' models by id (a page showing one of them is more
    likely the wrong page than a typo)."""
    wanted = compact(model)
    if len(wanted) < MIN_LENGTH:
        return None
    digits, letters = _has_digit(wanted), _has_letter(wanted)
    known = {compact(m): pid for pid, m in (others or {}).items() if m}
    for value, where in _sources(page):
        for spelling in _windows(value):
            found = compact(spelling)
            if len(found) < MIN_LENGTH - 1 or (found == wanted and fold(spelling) == fold(model)):
                continue
            if _has_digit(found) != digits or _has_letter(found) != letters:
                continue  # "710" or "MTB" is not a spelling of MTB8
            edit = "separators" if found == wanted else one_edit(wanted, found)
            if edit is None:
                continue
            if found in known:
                return NearSpelling(model, spelling, where, "another product", known[found])
            return NearSpelling(model, spelling, where, edit)
    return None


def _sources(page: Page) -> Iterator[tuple[str, str]]:
    """The page's own product data, field by field, then its heading."""
    for item in _own_products(page):
        for key in _KEYS:
            for value in _strings(item.get(key)):
                yield value, f"product data ({key})"
    for heading in page.h1[:2]:
        yield heading, "heading"


def _own_products(page: Page) -> list[dict[str, Any]]:
    """The page's Product data about this page's product: those named in its heading or
    title, else the first (a product page's related products are Products too)."""
    products = page.products
    shown = fold(" ".join([page.title, *page.h1]))
    named = [p for p in products if any(fold(n) in shown for n in _strings(p.get("name")) if n)]
    return named or products[:1]


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, dict):  # "model": {"@type": "ProductModel", "name": …}
        return _strings(value.get("name"))
    if isinstance(value, list):
        return [s for v in value[:10] for s in _strings(v)]
    return []


def _windows(value: str) -> Iterator[str]:
    """Each word of `value` and each run of two or three: "Galaxy S24 SM S921U" holds
    "SM S921U". As written, for the message."""
    words = [w.strip(_TRIM) for w in value.split()[:40]]
    words = [w for w in words if w]
    for size in (1, 2, 3):
        for start in range(len(words) - size + 1):
            yield " ".join(words[start : start + size])


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)
