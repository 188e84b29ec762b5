"""Which currency a price on a page is in, read as a customer in that market reads it.

A symbol alone is often ambiguous: `$` is the US dollar's, and also the Chilean, Argentine,
Mexican and Colombian peso's and the New Taiwan dollar's as their own shops write them;
`kr` is Swedish, Danish or Norwegian; `¥` is yen or yuan. What settles it, in this order:
the page's own product data (its Offer's priceCurrency, when the symbol can stand for it),
then the market the page declares (`<html lang="es-CL">`, og:locale, its hreflang tags),
then the country of its domain (`.cl`). Without any of them a symbol stays ambiguous and is
read as any currency it can stand for: only a clear contradiction is reported.

Codes, symbols, minor units and the history of each country's currencies come from the
Unicode CLDR through babel; cxlint keeps no table of its own. A retired code that a page still
writes stands for the currency that replaced it in the same countries (RUR, the rouble before
1998, is RUB): no shop prices in a currency that no longer exists. babel is imported on first
use, not when cxlint starts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Country-code domains whose two letters are not the ISO 3166 code of their country.
# Domains sold worldwide (.co, .io, .tv, .me...) say nothing of a market.
_DOMAIN_TERRITORY = {
    "UK": "GB", "EU": None, "SU": None, "AC": None, "IO": None, "TV": None, "CO": None,
    "ME": None, "AI": None, "FM": None, "LY": None, "GG": None, "CC": None, "WS": None,
}  # fmt: skip
_REGION = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?[-_]([A-Za-z]{2}|\d{3})(?:[-_]|$)")


@dataclass(frozen=True)
class Market:
    """Where a page sells, as far as the page says: a country (ISO 3166) and how it was read."""

    territory: str | None = None  # "CL"
    language: str | None = None  # "es"
    source: str = ""  # for evidence: "its html lang 'es-CL'", "its domain .cl"
    data_currencies: frozenset[str] = frozenset()  # its product data's priceCurrency codes


def market_of(
    lang: str, hreflangs: list[str], urls: str | list[str], data_currencies: set[str]
) -> Market:
    """The market of a page from its declared language tag, its hreflang tags (when they name
    one country only), and the country code of its domain: the address it was read at, else
    the one it declares its own (canonical, og:url: a staging copy names production's)."""
    data = frozenset(c for c in (canonical(x) for x in data_currencies) if c)
    territory, language, source = _declared(lang, tuple(hreflangs))
    if territory:
        return _market(territory, language, source, data)
    # Each address once, none empty: a page's canonical and og:url are mostly its own address
    # again, and each look costs a urlsplit.
    for url in dict.fromkeys([urls] if isinstance(urls, str) else urls):
        if not url:
            continue
        try:
            host = (urlsplit(url).hostname or "").rstrip(".")
        except ValueError:  # a page's canonical address it wrote wrong ("http://[::1")
            continue
        domain = _domain_market(host)
        if domain is not None:
            return _market(domain[0], language, domain[1], data)
    return _market(None, language, "", data)


# The pages of a site, and of a campaign's few sites, declare the same tags and share their
# hosts: what each says is read once (and a market shared, not made again for each page).
@functools.lru_cache(maxsize=1024)
def _declared(lang: str, hreflangs: tuple[str, ...]) -> tuple[str | None, str | None, str]:
    """The language of a page's tag, and the country its tag or hreflang tags name (with how
    it was told), when they name one."""
    language = lang.replace("_", "-").split("-")[0].lower() or None if lang else None
    match = _REGION.match(lang.strip()) if lang else None
    if match and match.group(1).isalpha():
        return match.group(1).upper(), language, f"its language tag {lang!r}"
    regions = {m.group(1).upper() for t in hreflangs if (m := _REGION.match(t.strip()))}
    regions = {r for r in regions if r.isalpha()}
    if len(regions) == 1:
        (region,) = regions
        return region, language, f"its hreflang tag for {region}"
    return None, language, ""


@functools.lru_cache(maxsize=1024)
def _domain_market(host: str) -> tuple[str, str] | None:
    """The country a host's country-code domain names, and how it was told; None when none."""
    tld = host.rsplit(".", 1)[-1].upper() if "." in host else ""
    if len(tld) == 2 and tld.isalpha():
        territory = _DOMAIN_TERRITORY.get(tld, tld)
        if territory and _currencies_of(territory):
            return territory, f"its domain .{tld.lower()}"
    return None


_market = functools.lru_cache(maxsize=1024)(Market)


# --- codes and symbols ------------------------------------------------------------------------


def fold(shown: str) -> str:
    """A symbol as written, in one form: '￥' is '¥', 'kr.' is 'kr', 'Kč' is 'KČ'."""
    return unicodedata.normalize("NFKC", shown).strip().rstrip(".").upper()


_CODE = re.compile(r"[A-Z]{3}")


def canonical(code: str | None) -> str | None:
    """An ISO 4217 code as cxlint compares it (upper case), a retired one as its successor;
    None for anything that is not a currency code."""
    if not code:
        return None
    code = code.strip().upper()
    if not _CODE.fullmatch(code):
        return None
    return _successor(code)


@functools.cache
def _successor(code: str) -> str | None:
    from babel.core import get_global

    if code not in _known_codes():
        return None
    if code in _current_codes():
        return code
    # retired: what replaced it where it lasted longest (its issuer's country: RUR was
    # Russia's, which other former Soviet republics used for a while)
    last: tuple[tuple[int, int, int], str] | None = None
    for territory, entries in get_global("territory_currencies").items():
        for entry in entries:
            if entry[0] == code and entry[2] is not None and (last is None or entry[2] > last[0]):
                last = (entry[2], territory)
    if last is not None:
        now = _currencies_of(last[1])
        if len(now) == 1:
            return now[0]
    return code


@functools.cache
def _known_codes() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@functools.cache
def _current_codes() -> frozenset[str]:
    from babel.core import get_global

    return frozenset(
        e[0] for entries in get_global("territory_currencies").values() for e in entries if not e[2]
    )


def currencies_of(territory: str | None) -> frozenset[str]:
    """The currencies a country uses today (none for no country)."""
    return frozenset(_currencies_of(territory)) if territory else frozenset()


@functools.cache
def _currencies_of(territory: str) -> tuple[str, ...]:
    from babel.numbers import get_territory_currencies

    try:
        return tuple(get_territory_currencies(territory))
    except Exception:  # babel raises on codes it does not know
        return ()


@functools.cache
def _locales_of(territory: str) -> tuple[Any, ...]:
    """babel Locales of a country's official (or main) languages, as its shops write."""
    from babel import Locale, localedata
    from babel.core import get_global

    languages = get_global("territory_languages").get(territory, {})
    ranked = sorted(
        languages.items(),
        key=lambda kv: (kv[1].get("official_status") is None, -kv[1]["population_percent"]),
    )
    found = []
    for language, info in ranked[:4]:
        if info.get("official_status") is None and found:
            break
        name = f"{language}_{territory}"
        if localedata.exists(name):
            found.append(Locale.parse(name))
    return tuple(found)


@functools.cache
def _territories_using(code: str) -> tuple[str, ...]:
    from babel.core import get_global

    return tuple(
        t
        for t, entries in get_global("territory_currencies").items()
        if any(e[0] == code and not e[2] and e[3] for e in entries)
    )


@functools.cache
def symbols_of(code: str) -> frozenset[str]:
    """Every way a currency's symbol is written where it is used (folded): USD is '$' and
    'US$', CLP is '$' in Chile, SEK is 'kr', JPY '¥' and '￥'."""
    from babel import Locale

    symbols = {code}
    for locale in [Locale.parse("en")] + [
        loc for t in _territories_using(code) for loc in _locales_of(t)
    ]:
        symbol = locale.currency_symbols.get(code)
        if symbol:
            symbols.add(fold(symbol))
    # "US$", "CA$", "NT$": the prefix names the country, the customer still reads "$"
    return frozenset(symbols)


def _local_symbols(code: str, territory: str) -> frozenset[str]:
    """How a country's shops write one of its currencies: '$' for CLP in Chile."""
    symbols = {fold(loc.currency_symbols.get(code, code)) for loc in _locales_of(territory)}
    return frozenset(symbols)


# meanings() and compatible() read only their arguments and CLDR's fixed tables, and a page's
# prices ask the same few questions again and again ("$" against USD, in the same market):
# answered once each. Bounded: a hostile page's made-up currencies cannot fill memory.
@functools.lru_cache(maxsize=4096)
def meanings(shown: str | None, market: Market) -> frozenset[str] | None:
    """The ISO codes a price's currency as shown on a page stands for, as far as the page
    settles it: a code, or a sign its product data or its market explains; None otherwise."""
    if not shown:
        return None
    code = canonical(shown)
    if code:
        return frozenset({code})
    symbol = fold(shown)
    # the page's own product data, when the sign can stand for it ("$" beside priceCurrency CLP)
    stated = frozenset(c for c in market.data_currencies if _can_write(c, symbol))
    if stated:
        return stated
    if market.territory:
        local = frozenset(
            c
            for c in _currencies_of(market.territory)
            if symbol in _local_symbols(c, market.territory)
        )
        if local:
            return local
    return None


def _can_write(code: str, symbol: str) -> bool:
    return symbol == _english_symbol(code) or symbol in symbols_of(code)


@functools.cache
def _english_symbol(code: str) -> str:
    from babel import Locale

    return fold(Locale.parse("en").currency_symbols.get(code, code))


@functools.cache
def _english_signs() -> frozenset[str]:
    from babel import Locale

    return frozenset(fold(s) for s in Locale.parse("en").currency_symbols.values())


@functools.lru_cache(maxsize=4096)
def compatible(shown: str | None, other: str | None, market: Market | None = None) -> bool:
    """Whether a currency as shown ('$', '€', 'EUR') can be the one `other` names or shows,
    read in `market`. Unknown or missing ones are compatible: only a clear contradiction
    counts ('$' and CLP are, on a page that says nothing of its market; not on a .com.ar)."""
    if not shown or not other:
        return True
    market = market or Market()
    a, b = meanings(shown, market), meanings(other, market)
    if a is not None and b is not None:
        return bool(a & b)
    if a is None and b is None:  # two signs nothing on the page explains
        x, y = _sign_index().get(fold(shown)), _sign_index().get(fold(other))
        return fold(shown) == fold(other) or x is None or y is None or bool(x & y)
    sign, codes = (shown, b) if a is None else (other, a)
    assert codes is not None
    symbol = fold(sign)
    if any(_can_write(c, symbol) for c in codes):
        return True
    # a sign no currency is written with here ("руб", "TL"): nothing to contradict
    local = market.territory is not None and any(
        symbol in _local_symbols(c, market.territory) for c in _currencies_of(market.territory)
    )
    return not (local or symbol in _english_signs() or symbol in _sign_index())


@functools.cache
def _sign_index() -> dict[str, frozenset[str]]:
    """Every sign a current currency is written with where it is used, and the currencies it
    may be (read once, and only when the page explains neither sign: ~0.3 s of locales)."""
    found: dict[str, set[str]] = {}
    for code in _current_codes():
        for sign in symbols_of(code):
            found.setdefault(sign, set()).add(code)
    return {sign: frozenset(codes) for sign, codes in found.items()}


def minor_digits(code: str | None) -> int | None:
    """How many decimals a currency's amounts have (CLP 0, EUR 2, KWD 3); None if unknown."""
    code = canonical(code)
    return _precision(code) if code else None


@functools.cache  # babel's lookup, per known code (canonical() admits no other)
def _precision(code: str) -> int:
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(code))
