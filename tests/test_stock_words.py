"""The stock words files (cxlint/stock_words/*.yaml): every one valid, every language the issue
names present, a malformed file named in its error, and the one compiled pattern finding what a
plain scan of each phrase finds."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlint import stock_words

REQUIRED = {"en", "de", "fr", "it", "es", "pt", "nl", "pl", "cs", "sk", "sv", "da", "ja", "ko"}


def test_every_file_is_valid_and_every_language_is_there() -> None:
    codes = {language.code for language in stock_words.languages()}
    assert codes >= REQUIRED, sorted(REQUIRED - codes)
    for language in stock_words.languages():
        assert language.data["gone"], language.code
        # a run reads the package's files without the schema: it is held here
        name = f"cxlint/stock_words/{language.code}.yaml"
        text = resources.files(stock_words).joinpath(f"{language.code}.yaml").read_text("utf-8")
        assert stock_words.parse(name, text) == language


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("language: de\nname: German\n", "'gone' is a required property"),
        ("language: xx\nname: X\ngone: [a]\nlater: []\nlabels: []\n"
         "not_this_product: {pickup: [], delivery: [], sellers: []}\nnegations: []\n"
         # YAML reads an unquoted no as false: the schema says so
         "conditions: []\nanswers_no: [no]\n", "answers_no/0: False is not of type 'string'"),
        ("language: xx\nname: X\ngone: [a]\nlater: []\nlabels: []\nnot_this_product: {}\n"
         "negations: []\nconditions: []\nanswers_no: []\nextra: 1\n", "extra"),
        ("gone: [unclosed\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_an_error_naming_it(text: str, problem: str) -> None:
    with pytest.raises(stock_words.StockWordsError) as error:
        stock_words.parse("cxlint/stock_words/xx.yaml", text)
    assert "cxlint/stock_words/xx.yaml" in str(error.value)
    assert problem in str(error.value)


def test_a_file_whose_language_is_not_its_name() -> None:
    text = next(iter(stock_words.languages())).data
    import yaml

    with pytest.raises(stock_words.StockWordsError, match="must equal the file's name"):
        stock_words.parse("cxlint/stock_words/zz.yaml", yaml.safe_dump(text))


@pytest.mark.parametrize("language", stock_words.languages(), ids=lambda lang: lang.code)
def test_every_phrase_alone_is_found_and_is_a_label(language: stock_words.Language) -> None:
    for kind in ("gone", "later"):
        for phrase in language.data[kind]:
            found = stock_words.find(phrase.upper() if phrase.isascii() else phrase)
            assert [(f.kind, f.start) for f in found][:1] == [(kind, 0)], (kind, phrase, found)
    for phrase in language.data["gone"] + language.data["labels"]:
        assert stock_words.label(phrase) is not None, phrase


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Sorry, this lamp is currently out of stock.", ["out of stock"]),
        ("Dieser Artikel ist leider ausverkauft.", ["ausverkauft"]),
        ("Esgotado no momento", ["Esgotado"]),
        ("この商品は在庫切れです", ["在庫切れ"]),
        ("이 상품은 품절되었습니다", ["품절"]),
        ("Never out of stock: we restock daily", []),
        ("This item isn't sold out", []),
        ("If we're out of stock of an item but getting more in, we will tell you", []),
        ("Sollte ein Artikel ausverkauft sein, erstatten wir den Betrag", []),
        ("Store pickup: Not available. Currently unavailable for delivery to your area", []),
        ("Other sellers: sold out", []),
        ("Discontinued: No", []),
        ("Is Discontinued By Manufacturer : No", []),
        ("Discontinued No Brand Acme", []),
        ("Find something you want but it's not in stock? Click the alert", []),
        ("fast ausverkauft", []),
        ("품절임박", []),
        ("売り切れ間近", []),
        ("在庫切れの場合はキャンセルいたします", []),
        ("Sold-out items are refunded", []),
        ("unsold out", []),
    ],
)
def test_what_is_found_in_a_text(text: str, found: list[str]) -> None:
    assert [f.words for f in stock_words.find(text)] == found


# --- the trie finds what a plain scan finds -----------------------------------------------------

PHRASES = [
    "out of stock", "sold out", "sold-out", "soldout", "no longer available", "discontinued",
    "ausverkauft", "nicht auf lager", "épuisé", "rupture de stock", "在庫切れ", "品切れ", "품절",
    "일시품절", "pre-order now", "on backorder", "not in stock",
]  # fmt: skip
FILLER = ["un", "x", " ", "-", "  ", "İ", "ß", ".", ",", "É", "OUT", "Stock", "品", "\u00a0"]


def _plain(text: str) -> list[tuple[int, str]]:
    """Leftmost-longest, one phrase at a time: what the trie must find."""
    every = [p for lang in stock_words.languages() for k in ("gone", "later") for p in lang.data[k]]
    pieces = []
    for phrase in every:
        body = r"[\s\-\u2010\u2011]+".join(re.escape(w) for w in re.split(r"[\s\-]+", phrase))
        if stock_words._spaced_end(phrase[0]):
            body = r"(?<!\w)" + body
        if stock_words._spaced_end(phrase[-1]):
            body += r"(?!\w)"
        pieces.append(re.compile(body, re.I))
    found, at = [], 0
    while at < len(text):
        ends = [m.end() for p in pieces if (m := p.match(text, at))]
        if ends:
            found.append((at, text[at : max(ends)]))
            at = max(ends)
        else:
            at += 1
    return found


@given(tokens=st.lists(st.sampled_from(PHRASES + FILLER), max_size=30))
@settings(max_examples=200, deadline=None)
def test_the_trie_finds_what_a_plain_scan_finds(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert [(f.start, f.words) for f in stock_words.scan(text)] == _plain(text)
