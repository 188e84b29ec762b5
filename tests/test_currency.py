"""Which currency a price is in (cxlint.currency): codes, signs read in the page's market,
retired codes, minor units. The data is CLDR's, through babel."""

from __future__ import annotations

import pytest

from cxlint.currency import Market, canonical, compatible, market_of, minor_digits


def test_currencies_are_compatible_unless_they_clearly_contradict() -> None:
    assert compatible("$", "USD") and compatible("USD", "$") and compatible("$", "CAD")
    assert compatible("€", "EUR") and compatible("eur", "EUR") and compatible(None, "USD")
    assert compatible("₿", "USD")  # unknown symbol: no judgement
    assert not compatible("€", "USD") and not compatible("EUR", "USD")
    assert not compatible("£", "$") and not compatible("US$", "CAD")


@pytest.mark.parametrize(
    ("lang", "hreflangs", "url", "territory"),
    [
        ("es-CL", [], "https://shop.example.com/p", "CL"),
        ("zh_TW", [], "https://shop.example.com/p", "TW"),
        ("en", ["en-gb", "x-default"], "https://shop.example.com/p", "GB"),  # one country only
        ("en", ["en-gb", "en-us"], "https://shop.example.co.uk/p", "GB"),  # two: the domain
        ("", [], "https://www.paris.cl/p", "CL"),
        ("de", [], "https://shop.example.io/p", None),  # .io, .co, .tv are sold worldwide
        ("es-419", [], "https://shop.example.com/p", None),  # a region of the world, not a country
    ],
)
def test_the_market_is_read_from_the_page(
    lang: str, hreflangs: list[str], url: str, territory: str | None
) -> None:
    assert market_of(lang, hreflangs, url, set()).territory == territory


def test_a_dollar_sign_is_the_markets_own_currency() -> None:
    chile = market_of("es", [], "https://www.paris.cl/p", set())
    assert compatible("$", "CLP", chile) and not compatible("$", "USD", chile)
    assert compatible("US$", "USD", chile)  # spelt out, it is the US dollar even there
    taiwan = market_of("zh-TW", [], "https://example.com/p", set())
    assert compatible("$", "TWD", taiwan) and not compatible("$", "USD", taiwan)
    assert compatible("$", "CLP") and compatible("$", "USD")  # no market: either


def test_the_pages_product_data_settles_a_sign_before_its_market() -> None:
    # a Canadian shop on a .com: its Offer says CAD, so its "$" is the Canadian dollar
    canadian = market_of("en", [], "https://usedvictoria.com/p", {"CAD"})
    assert compatible("$", "CAD", canadian) and not compatible("$", "USD", canadian)
    # ... but a sign the data's currency is never written with is not explained by it
    assert not compatible("€", "CAD", canadian)


def test_signs_of_one_country_and_another() -> None:
    sweden, denmark = Market(territory="SE"), Market(territory="DK")
    assert compatible("kr", "SEK", sweden) and not compatible("kr", "DKK", sweden)
    assert compatible("kr.", "DKK", denmark)
    assert compatible("￥", "JPY") and compatible("¥", "JPY") and compatible("¥", "CNY")
    assert not compatible("¥", "CNY", Market(territory="JP"))
    assert compatible("zł", "PLN") and compatible("Kč", "CZK") and not compatible("zł", "EUR")


def test_a_retired_code_is_the_currency_that_replaced_it() -> None:
    assert canonical("RUR") == "RUB" and compatible("RUR", "RUB")  # Yandex.Market still writes it
    assert canonical("rub") == "RUB" and canonical("XYZ") is None and canonical("€") is None
    assert not compatible("RUR", "UAH")


def test_minor_units() -> None:
    assert (minor_digits("CLP"), minor_digits("EUR"), minor_digits("KWD")) == (0, 2, 3)
    assert minor_digits(None) is None and minor_digits("$") is None


def test_a_staging_copy_is_read_in_the_market_its_canonical_address_names() -> None:
    urls = ["http://127.0.0.1:8000/p/1", "https://www.lafeltrinelli.it/p/1", ""]
    market = market_of("it", [], urls, set())
    assert market.territory == "IT" and market.source == "its domain .it"
    assert market_of("it", [], ["http://127.0.0.1/p", ""], set()).territory is None


def test_a_canonical_address_written_wrong_says_nothing_of_the_market() -> None:
    urls = ["http://127.0.0.1:8000/p/1", "http://[::1/p", "https://www.example.cl/p/1"]
    assert market_of("", [], urls, set()).territory == "CL"
