"""The site's own search, used as a customer uses it: query → read results → rank.

Search is its own small subsystem (discovery lives in cxlint/discover.py). Queries go through
the run's fetcher, so each distinct query is sent once per run however many products share
it. Rules read the outcomes (`ProductSearch`); they never query themselves.

Reading a results page, in order:
1. a page that is itself an error (HTTP error, not a page, a "Page not found" page) is a
   broken search, never a miss;
2. a search that jumps straight to one page (a redirect away from the results page) has that
   page as its only result;
3. the results are the same-site links of the page's results region (cxlint.results_region:
   no header, navigation, sidebars, mini-cart or footer, no "Popular products" or "did you
   mean" suggestions), minus those the empty-results page shows there too, in the order shown;
   the links of one result (its title, its image, its category) share its place;
4. links beat words: a results page that links to the product has found it, whatever else it
   says. Otherwise it found nothing when "no results" wording is in its title, heading or
   results region (never in the chrome: a mini-cart's "0 items" is not "0 results"), or when
   it is word for word the page the site shows for a nonsense query (its empty-results
   fingerprint); QueryResult.empty says which, and QueryResult.suggestion what the site
   suggests instead ("did you mean V710i?").
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, quote_plus, urljoin, urlsplit

from cxlint import urls
from cxlint.cache import RESULTS, Entry, PageCache
from cxlint.fetch import Fetcher
from cxlint.model import Product, Response, SearchConfig, status_words
from cxlint.page import Page, parse_results_page
from cxlint.results_region import did_you_mean
from cxlint.spelling import NearSpelling, near_spelling, page_shows
from cxlint.text import contains, contains_any_spelling, fold, model_variants

# A query no catalogue matches: its results page is the site's own "nothing found" page,
# whose links (navigation, footer, suggestions) are therefore never results.
EMPTY_PROBE = "zqxj cxlint empty probe"
# The lookahead lets only the positions that can start a match (n, 0, z, d, r, k, a) try the
# alternatives: twice as fast on a results page's text, the same matches.
_NO_RESULTS = re.compile(
    r"(?=[n0zdrkac])"
    r"(?:\b(no|0|zero)\s+(results?|matches|products?|items?|hits)\b"
    r"|nothing\s+(was\s+)?(found|matched)|did(\s+not|n't|n’t)\s+match\s+any"
    r"|returned\s+no\s+results|(could\s+not|couldn't|couldn’t|cannot|can't)\s+find\s+any"
    r"|keine\s+(ergebnisse|treffer)|aucun\s+r[ée]sultat)",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# What a "did you mean" suggests: quoted, else up to three words before its question mark,
# else its first word.
_SUGGESTED = re.compile(
    r"\s*:?\s*(?:[\"“„'‘]([^\"”“'’]{1,60})[\"”“'’]"
    r"|([^\s?!.,;:]+(?:\s+[^\s?!.,;:]+){0,2}?)\s*[?!.,;:]|([^\s?!.,;:]{1,60}))"
)
# Read in the title and main heading only: a results page saying this is an error page.
_NOT_FOUND_PAGE = re.compile(
    r"\b404\b|page\s+not\s+found|^\s*not\s+found\b"
    r"|page\s+(could\s+not|cannot|can't|couldn't)\s+be\s+found|page\s+(does\s+not|doesn't)\s+exist"
    r"|seite\s+nicht\s+gefunden|page\s+introuvable",
    re.I,
)

TextMatch = Callable[[str], bool]


@dataclass
class QueryResult:
    query: str
    url: str
    status: int | None
    results: list[str] = field(default_factory=list)  # result URLs, in order, normalised
    texts: list[str] = field(default_factory=list)  # each result's text, same order
    error: str | None = None  # the search itself is broken for this query, in plain words
    # Why the page reads as "nothing found", in plain words ("the results area says 'No
    # products found'"). Its links still count: one to the product means it was found.
    empty: str | None = None
    suggestion: str | None = None  # what the site suggests instead ("did you mean V710i?")

    @property
    def count(self) -> int:
        """How many results a customer sees: none on a page that says so (what it links to
        there is no result, unless it is the product: see rank)."""
        return 0 if self.empty else self.listed

    @property
    def listed(self) -> int:
        """How many results the results region lists (links of one result counted once)."""
        places = self._places()
        return places[-1] if places else 0

    def _places(self) -> list[int]:
        """Each result link's 1-based place in the list: the links of one result (its title,
        its image, its category, which share the result's text) share its place."""
        places, place, previous = [], 0, None
        for text in self.texts:
            if not text or text != previous:
                place += 1
            places.append(place)
            previous = text
        return places

    def rank(self, targets: set[str], match: TextMatch | None = None) -> int | None:
        """1-based place of the first result that is the product: one of `targets`
        (normalised URLs), or, when `match` is given, a result whose text it accepts. Links
        beat words: a page that says "no results" but links to the product has found it."""
        paths = {target.partition("?")[0] for target in targets}
        for index, (result, place) in enumerate(zip(self.results, self._places(), strict=True)):
            if result in targets:
                return place
            path, _, query = result.partition("?")
            if query and path in paths and _more_params(query, targets, path):
                return place
            if match is not None and match(self.texts[index]):
                return place
        return None


@dataclass
class QueryOutcome:
    query: str
    kind: str  # model | name | alias | variant | site name
    result: QueryResult
    rank: int | None  # anywhere in the results; rules decide what counts (top-k)

    def found(self, top: int) -> bool:
        return self.rank is not None and self.rank <= top

    def signal(self, top: int) -> str:
        """Which signal decided this query's verdict, in plain words."""
        result = self.result
        if result.error:
            said = result.error
        elif self.rank is not None:
            said = f"listed at rank {self.rank}"
            if self.rank > top:
                said += f", below the first {top}"
        elif result.empty:
            said = f"0 results: {result.empty}"
        elif result.count:
            n = result.count
            said = f"{n} result{'s' if n != 1 else ''}, none of them links to the product"
        else:
            said = "0 results: the results area links to no page"
        if result.suggestion:
            said += f"; the site suggests '{result.suggestion}'"
        return said

    def as_evidence(self, top: int) -> dict[str, Any]:
        return {
            "query": self.query,
            "kind": self.kind,
            "url": self.result.url,
            # a page that says "no results" but lists the product lists what it lists
            "results": self.result.count if self.rank is None else self.result.listed,
            "rank": self.rank if self.rank is not None else "absent",
            "found": self.found(top),
            "signal": self.signal(top),
            **({"error": self.result.error} if self.result.error else {}),
            **({"suggests": self.result.suggestion} if self.result.suggestion else {}),
        }


@dataclass
class ProductSearch:
    """Every query sent for one product and where the product ranked."""

    primary: QueryOutcome  # the model number, or the name when there is none
    others: list[QueryOutcome]  # name and aliases
    # sent only on a miss, to explain it: the model number's other spellings, the name the
    # product page itself uses, and a near spelling of the model number on it
    variants: list[QueryOutcome]
    targets: list[str]  # the product's URLs that count as a hit
    near: NearSpelling | None = None  # the page's own near spelling of the model number

    def all(self) -> list[QueryOutcome]:
        return [self.primary, *self.others, *self.variants]


class SiteSearch:
    """Queries one site search and reads its results pages."""

    def __init__(
        self,
        config: SearchConfig,
        fetcher: Fetcher,
        site_url: str | None = None,
        *,
        release_bodies: bool = False,
        cache: PageCache | None = None,
    ) -> None:
        self.config = config
        self.fetcher = fetcher
        self.site_url = site_url  # relative URLs in a JSON API's answer resolve against it
        # The run's own search drops each results page's body once read: a catalogue's
        # thousands of results pages would otherwise stay in memory until the run ends.
        # Its results are kept per query instead, so no one needs the body again.
        self.release_bodies = release_bodies
        self.cache = cache  # --cache: results pages the site says are unchanged are not read
        self._same_empty_page = False  # --cache: the empty-results page answered 304
        self._results: dict[str, asyncio.Future[QueryResult]] = {}
        self._chrome: set[str] = set()  # links of the empty-results page
        self._empty_print: str | None = None  # the empty-results page's text, probe removed
        self._empty_landing: str | None = None  # where a search that finds nothing redirects
        # q in /search?q={query}, and the template's other parameters (do=search)
        self._param, self._fixed = _template_params(config.template)
        self.sent: set[str] = set()  # distinct queries, for the run's summary
        # Askers still to come per query (the run's plan, `expect`): when the last is done,
        # the answer is let go. Unplanned queries (variants on a miss) are kept to the end.
        self._askers: Counter[str] = Counter()

    def url_for(self, query: str) -> str:
        template = self.config.template
        # In a path ("/search/{query}") a space is %20; in a query string, "+".
        encode = quote_plus if "?" in template.split("{query}")[0] else _quote_path
        return template.replace("{query}", encode(query))

    async def probe(self) -> QueryResult:
        """Search for nonsense once, before any real query: learns the empty page's links and
        text (so they are never counted as results), and whether the search works at all."""
        return await self._fetch(EMPTY_PROBE)

    def expect(self, queries: Iterable[str]) -> None:
        """One more asker will send each of these queries."""
        self._askers.update(queries)

    def done_with(self, queries: Iterable[str]) -> None:
        """An asker `expect`ed has its answers: the last one lets each answer go, so a
        catalogue's answers are not all held until the run ends."""
        for query in queries:
            if query in self._askers:
                self._askers[query] -= 1
                if self._askers[query] <= 0:
                    del self._askers[query]
                    self._results.pop(query, None)

    async def query(self, query: str) -> QueryResult:
        self.sent.add(query)
        return await self._fetch(query)

    async def _fetch(self, query: str) -> QueryResult:
        """Each distinct query is read once; concurrent askers share the one reading."""
        pending = self._results.get(query)
        if pending is None:
            pending = self._results[query] = asyncio.ensure_future(self._read(query))
        return await asyncio.shield(pending)

    async def _read(self, query: str) -> QueryResult:
        url = self.url_for(query)
        entry = self._cached(query, url)
        response = await self.fetcher.get(url, entry.conditional if entry else None)
        try:
            if entry is not None and response.status == 304 and not response.error:
                recalled = self._recall(query, url, entry.facts)
                if recalled is not None:
                    return recalled
                response = await self.fetcher.get(url)  # an entry damaged by hand: read it
            result = self._read_response(query, url, response)
            if self.cache is not None and self.config.kind == "html":
                self.cache.store(RESULTS, url, response, self._learnt(query, result))
            return result
        finally:
            if self.release_bodies:  # the answer is kept per query: the page is not needed
                response.body = b""
                self.fetcher.forget(url)

    # --- --cache: what a results page answered, kept while the site does not change it ----

    def _cached(self, query: str, url: str) -> Entry | None:
        """The cache entry to revalidate. A query's answer depends on the empty-results page
        too (its menus and wording are not results), so it is reused only while that page,
        asked for first, is unchanged as well."""
        if self.cache is None or self.config.kind != "html":
            return None
        if query != EMPTY_PROBE and not self._same_empty_page:
            return None
        return self.cache.lookup(RESULTS, url)

    def _learnt(self, query: str, result: QueryResult) -> dict[str, Any]:
        learnt: dict[str, Any] = {
            "result": {
                "status": result.status,
                "results": result.results,
                "texts": result.texts,
                "error": result.error,
                "empty": result.empty,
                "suggestion": result.suggestion,
            }
        }
        if query == EMPTY_PROBE:
            learnt.update(
                chrome=sorted(self._chrome), print=self._empty_print, landing=self._empty_landing
            )
        return learnt

    def _recall(self, query: str, url: str, learnt: dict[str, Any]) -> QueryResult | None:
        try:
            result = QueryResult(query=query, url=url, **learnt["result"])
            if query == EMPTY_PROBE:
                chrome, empty_print, landing = learnt["chrome"], learnt["print"], learnt["landing"]
                self._chrome, self._empty_print = set(chrome), empty_print
                self._empty_landing = landing
                self._same_empty_page = True
        except (KeyError, TypeError):
            return None
        return result

    def _read_response(self, query: str, url: str, response: Response) -> QueryResult:
        result = QueryResult(query=query, url=url, status=response.status)
        result.error = _broken(response)
        if result.error:
            return result
        if self.config.kind == "json":
            self._read_json(response, result)
            return result
        # the empty page's links are all learnt (as not results); others' only if they may be
        wanted = None if query == EMPTY_PROBE else self._may_be_result
        moved = _moved_to(url, response.final_url)
        # the whole page's text is read only when a search moved to one page (its result)
        page = parse_results_page(response, wanted, whole_text=moved)
        result.error = _broken_page(page, query)
        if result.error:
            return result
        # where a moved search landed (a results page that stays is not normalised: 78 µs)
        landing = _path_of(page.final_url) if moved else None
        if query == EMPTY_PROBE:
            if moved and landing == _path_of(urls.origin(page.final_url) + "/"):
                result.error = "every search is sent to the home page, not to a results page"
                return result
            self._empty_landing = landing if moved else None  # e.g. /search/no-results
            self._chrome = {url for url, _, _ in _result_candidates(page, self._own(query))}
            self._empty_print = _fingerprint(page, query)
            return result  # by construction, nothing it shows is a result
        if moved and landing == self._empty_landing:
            result.empty = (
                "the search sent it to the page where the site sends searches that find nothing"
            )
            return result
        if moved:  # the site jumped straight to one page for this query
            result.results = [urls.normalize_for_compare(page.final_url)]
            result.texts = [page.all_text()[:500]]
            return result
        # Links beat words: every link of the results region is kept, and rank() finds the
        # product among them even where the page also says "no results".
        first = None  # the words of the first result's link
        for link, text, words in _result_candidates(page, self._own(query)):
            if link not in self._chrome:
                result.results.append(link)
                result.texts.append(text)
                first = words if first is None else first
        result.suggestion = _suggestion(page.main_text)
        said = _says_no_results(page, first)
        if said:
            result.empty = f"the results area says '{said}'"
        elif self._empty_print is not None and _fingerprint(page, query) == self._empty_print:
            result.empty = "the page is, word for word, the one the site shows when nothing matches"
        return result

    def _own(self, query: str) -> Callable[[str], bool]:
        """Whether a link (normalised) to the results page's own path is the page's own
        (pagination, sorting, filters, a refined search) for `query`, not one of the site's
        pages: a site may address every page through one script (/doku.php?id=…, WordPress's
        /?p=123), its search page included."""
        param, fixed = self._param, self._fixed

        def own(url: str) -> bool:
            if param is None:
                return True  # the query is in the path: /search/{query}/page/2
            params = parse_qs(urlsplit(url).query, keep_blank_values=True)
            if not fixed:
                return param in params
            if all(value in params.get(name, ()) for name, value in fixed):
                return True  # do=search: another page of results
            # where the query parameter also addresses pages (DokuWiki's id), only the query
            return any(_spelling_of(value, query) for value in params.get(param, ()))

        return own

    def _may_be_result(self, url: str) -> bool:
        """Whether a link may be a result, so it is worth reading: the links of the
        empty-results page (menus, footer) are on every results page, and never are."""
        return urls.normalize_for_compare(url) not in self._chrome

    def _read_json(self, response: Response, result: QueryResult) -> None:
        import jmespath  # only JSON search endpoints need it

        try:
            data = json.loads(response.body)
            items = jmespath.search(self.config.results or "@", data)
        except (ValueError, jmespath.exceptions.JMESPathError):
            result.error = "the search API did not answer with the JSON the manifest describes"
            return
        if items is None:
            items = []  # many APIs leave the list out when nothing matches
        if not isinstance(items, list):
            result.error = (
                f"'{self.config.results}' does not point to a list in the search API's answer"
            )
            return
        if not items:
            result.empty = "the search API answered with no results"
            return
        base = self.site_url or response.final_url
        seen: set[str] = set()
        for item in items:
            value = item.get(self.config.url_field or "url") if isinstance(item, dict) else item
            if not isinstance(value, str) or not value.strip():
                continue
            normal = urls.normalize_for_compare(urljoin(base, value.strip()))
            if normal not in seen:
                seen.add(normal)
                result.results.append(normal)
                result.texts.append(_json_text(item))


def _more_params(query: str, targets: set[str], path: str) -> bool:
    """Whether a result's parameters (`query`, on a target's `path`) hold all of a target's
    and more: a search's highlight or position parameters (DokuWiki's s[]=…, Shopify's
    _pos=1&_sid=…) on the product's own address. Not another value of one of its own
    (/product?id=6 is not /product?id=5)."""
    found = parse_qs(query, keep_blank_values=True)
    for target in targets:
        target_path, _, target_query = target.partition("?")
        if target_path != path:
            continue
        wanted = parse_qs(target_query, keep_blank_values=True)
        if all(found.get(name) == values for name, values in wanted.items()):
            return True
    return False


def _quote_path(query: str) -> str:
    return quote(query, safe="")


def _broken(response: Response) -> str | None:
    """Why a search response is no results page at all (network or HTTP trouble)."""
    if response.error:
        return response.error
    if response.status is None or response.status >= 400:
        return f"the search page answered {status_words(response.status)}"
    return None


def _broken_page(page: Page, query: str) -> str | None:
    """Why an HTML search answer is an error page in disguise (soft-404), or not a page."""
    if not page.is_html:
        kind = page.headers.get("content-type", "").split(";")[0] or "no content type"
        return f"the search answered with {kind}, not a results page"
    for text in (page.title, *page.h1):
        if _NOT_FOUND_PAGE.search(text.replace(query, " ")):  # "Search: 404" is no error
            return f"the search answered with an error page ('{text[:80]}')"
    return None


def _path_of(url: str) -> str:
    """Scheme, host and path, normalised: which page, whatever its parameters."""
    return urls.normalize_for_compare(url).split("?")[0]


def _moved_to(requested: str, final: str) -> bool:
    """Whether a redirect took the search away from its results page (path changed)."""
    # Most searches are not redirected: no need to normalise two URLs never seen again.
    return requested != final and _path_of(requested) != _path_of(final)


def _says_no_results(page: Page, first: str | None = None) -> str | None:
    """The "no results" wording of a results page, as it reads: in its title, its main
    heading or its results region (never in the chrome, cut out of main_text), and there
    above the `first` result's words: a listed page's own snippet ("0 items in cart", a wiki
    page's text) is not the page saying it found nothing."""
    region = page.main_text[:5000]
    above = region.find(first) if first else -1
    for text in (page.title, *page.h1, region[:above] if above >= 0 else region):
        found = _NO_RESULTS.search(text)
        if found:
            start = found.start()
            end = _SENTENCE_END.search(text, found.end())
            stop = end.start() + 1 if end else len(text)
            said = text[start : min(stop, start + 80)].strip()
            return said if stop <= start + 80 else said.rsplit(" ", 1)[0] + "…"
    return None


def _suggestion(main_text: str) -> str | None:
    """What the results region suggests instead, when it asks "did you mean …?"."""
    asked = did_you_mean(main_text)
    if asked is None:
        return None
    found = _SUGGESTED.match(main_text, asked.end())
    if found is None:
        return None
    words = next(g for g in found.groups() if g is not None)
    return " ".join(words.split())[:60] or None


def _fingerprint(page: Page, query: str) -> str:
    """The page's own words (title, heading, results region) without the query echoed back:
    equal for two queries that both got the site's "nothing found" page, whatever that
    page's wording, and whatever its chrome says (a cart count, recently viewed products)."""
    text = " ".join([page.title, *page.h1, page.main_text]).casefold()
    for echo in {query, escape(query), quote_plus(query)}:
        text = text.replace(echo.casefold(), " ")
    return " ".join(text.split())  # the same whitespace as \s+, five times faster


def _json_text(item: Any) -> str:
    if isinstance(item, dict):
        return " ".join(str(v) for v in item.values() if isinstance(v, (str, int, float)))
    return str(item)


def _result_candidates(page: Page, own: Callable[[str], bool]) -> list[tuple[str, str, str]]:
    """Same-site page links of a results page, normalised, in order, once: each with its
    result's text and its own words. Links to the results page's own path are left out
    when `own` says they are the page's own (SiteSearch._own)."""
    site = urls.origin(page.final_url)
    search_path = _path_of(page.final_url)
    found: dict[str, tuple[str, str]] = {}
    for link in page.links:
        if not urls.is_http_url(link.url) or urls.origin(link.url) != site:
            continue
        normal = urls.normalize_for_compare(link.url)
        if normal.split("?", 1)[0] == search_path and own(normal):  # _path_of, already normal
            continue  # pagination, sorting and filter links of the results page itself
        if normal not in found:
            found[normal] = (link.item or link.text, link.text)
    return [(url, text, words) for url, (text, words) in found.items()]


def _template_params(template: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The query-string parameter a search template puts the query in (None: in the path),
    and its other parameters."""
    param, fixed = None, []
    for name, value in parse_qsl(urlsplit(template).query, keep_blank_values=True):
        if "{query}" in value:
            param = name
        else:
            fixed.append((name, value))
    return param, tuple(fixed)


def product_targets(product: Product, page: Page | None) -> set[str]:
    """The URLs a search result may link to and still be this product: the manifest's URL,
    where its redirects end, and the page's canonical."""
    targets = set()
    if product.url:
        targets.add(urls.normalize_for_compare(product.url))
    if page is not None:
        targets.add(urls.normalize_for_compare(page.final_url))
        if page.canonical and urls.is_http_url(page.canonical):
            targets.add(urls.normalize_for_compare(page.canonical))
    return targets


def text_match(product: Product) -> TextMatch:
    """A result is the product when its text carries the product's name and model number."""

    def match(text: str) -> bool:
        if not contains(text, product.name):
            return False
        return not product.model or contains_any_spelling(text, product.model) is not None

    return match


def _spelling_of(query: str, model: str) -> bool:
    squash = re.compile(r"[\s\-_./]+")
    return squash.sub("", fold(query)) == squash.sub("", fold(model))


def planned_queries(product: Product) -> list[str]:
    """What a customer types for `product`, each once: its model number (else its name) first,
    then its name and each alias."""
    queries = [product.model or product.name]
    for query in [product.name, *product.aliases]:
        if query and query not in queries:
            queries.append(query)
    return queries


async def search_product(
    search: SiteSearch,
    product: Product,
    page: Page | None,
    top: int,
    match_text: bool = False,
) -> ProductSearch:
    """Query like a customer: the model number, the name and each alias as the campaign prints
    them; when the model number (or an alias spelling it) misses, also its other spellings
    (case, with and without a hyphen or space), to explain the miss."""
    targets = product_targets(product, page)
    match = text_match(product) if match_text else None

    async def outcome(query: str, kind: str) -> QueryOutcome:
        result = await search.query(query)
        return QueryOutcome(query, kind, result, result.rank(targets, match))

    primary_query, *other_queries = planned_queries(product)
    primary = await outcome(primary_query, "model" if product.model else "name")
    sent = {primary_query, *other_queries}
    others = []
    for query in other_queries:
        others.append(await outcome(query, "name" if query == product.name else "alias"))
    variants = []
    model = product.model
    spelled = [o for o in (primary, *others) if model and _spelling_of(o.query, model)]
    missed = any(not o.found(top) and o.result.error is None for o in spelled)
    if model and missed:
        for variant in model_variants(model):
            if variant not in sent:
                sent.add(variant)
                variants.append(await outcome(variant, "variant"))
    missed = missed or (not primary.found(top) and primary.result.error is None)
    own_name = site_name(page)
    if missed and own_name and fold(own_name) not in {fold(q) for q in sent}:
        # The name the site itself gives the product: whether it finds it explains the miss
        # ("found only by the site's name 'MOTORAZR Camera Phone', not by V710").
        sent.add(own_name)
        variants.append(await outcome(own_name, "site name"))
    near = None
    if missed and model and page is not None and page_shows(page, model) is None:
        near = near_spelling(model, page)
        if near is not None and fold(near.spelling) not in {fold(q) for q in sent}:
            # MT8 on the page, MTB8 in the campaign: whether the search finds MT8 tells a
            # typo in the manifest from a site that does not know its own model number
            variants.append(await outcome(near.spelling, "page spelling"))
    return ProductSearch(primary, others, variants, sorted(targets), near)


def site_name(page: Page | None) -> str | None:
    """The name the product page gives the product: its structured data, else its heading."""
    if page is None:
        return None
    for item in page.products:
        name = item.get("name")
        if isinstance(name, str) and name.strip():
            return " ".join(name.split())[:120]
    return page.h1[0][:120] if page.h1 else None
