"""Finding the site's own search when the manifest names none.

Tried in order, as a browser or a search engine finds a site's search:
1. an OpenSearch description linked from the home page (its text/html `Url` template, with
   its example query run as a sanity check);
2. a schema.org `WebSite` → `SearchAction` (JSON-LD or microdata);
3. the home page's search form (`<search>`, `role=search`, `type=search`, or a GET form whose
   text field is named q, query, search, s, keywords or term);
4. as a last resort, common search paths, accepted only when verified: a healthy product's
   name finds that product there.
A candidate is used only when it works (its page for a nonsense query is a real page). POST-only
forms are reported, never guessed. Every step tried is recorded, for the run's report.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from cxlint import urls
from cxlint.cache import PageCache
from cxlint.fetch import Fetcher
from cxlint.model import Product, SearchConfig
from cxlint.page import Form, Page, jsonld_of_type, parse_page
from cxlint.search import SiteSearch, product_targets, site_name
from cxlint.text import fold

# Where shops and CMSs usually put their search (WordPress, Magento, Shopify, Wagtail, ...).
COMMON_PATHS = (
    "/search?q={query}",
    "/search?query={query}",
    "/search/?q={query}",
    "/search/?query={query}",
    "/?s={query}",
    "/catalogsearch/result/?q={query}",
    "/search?keywords={query}",
    "/search?search={query}",
)
SEARCH_FIELD_NAMES = ("q", "query", "search", "s", "keywords", "keyword", "term", "searchterm")
VERIFY_WITH = 3  # healthy products tried when verifying a guessed search path

PageFor = Callable[[str], Awaitable[Page | None]]
_PARAM = re.compile(r"\{([^{}]+)\}")


@dataclass
class Candidate:
    method: str  # opensearch | schema.org | form | probe
    source: str  # where it was found
    template: str | None  # with {query}; None when it cannot be used
    problem: str | None = None  # why it cannot be used, in plain words
    example: str | None = None  # OpenSearch's example query


async def discover_search(
    fetcher: Fetcher,
    home: Page | None,
    site_url: str,
    products: list[Product],
    page_for: PageFor | None = None,
    cache: PageCache | None = None,
) -> tuple[SearchConfig | None, dict[str, Any]]:
    """The site's search and the report's account of how it was found (or why not). With
    `cache` (--cache), trying a search revalidates what an earlier run read, as the run will."""
    steps: list[dict[str, Any]] = []
    tried: set[str] = set()
    if page_for is None:
        page_for = _fetch_page(fetcher)

    if home is None:
        steps.append(_step("home page", site_url, None, "the home page could not be opened"))
    finders = (
        ("opensearch", _opensearch_candidates),
        ("schema.org", _schema_org_candidates),
        ("form", _form_candidates),
    )
    for method, finder in finders:
        if home is None:
            break
        candidates = await finder(fetcher, home)
        if not candidates:
            steps.append(_step(method, home.final_url, None, _NOTHING[method]))
        for candidate in candidates:
            config, outcome = await _try(fetcher, candidate, tried, site_url, cache)
            steps.append(_step(method, candidate.source, candidate.template, outcome))
            if config:
                return config, _found(config, candidate, steps)

    config, candidate = await _probe_common_paths(
        fetcher, site_url, products, page_for, steps, cache
    )
    if config and candidate:
        return config, _found(config, candidate, steps)
    return None, {"reason": _reason(steps), "tried": steps}


_NOTHING = {
    "opensearch": "the home page links no OpenSearch description",
    "schema.org": "the home page has no schema.org SearchAction",
    "form": "the home page has no search form",
}


def _step(method: str, source: str, template: str | None, outcome: str) -> dict[str, Any]:
    step: dict[str, Any] = {"method": method, "source": source}
    if template:
        step["template"] = template
    step["outcome"] = outcome
    return step


def _found(
    config: SearchConfig, candidate: Candidate, steps: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "method": config.method,
        "template": config.template,
        "source": candidate.source,
        "tried": steps,
    }


def _reason(steps: list[dict[str, Any]]) -> str:
    if any("POST" in s["outcome"] for s in steps):
        return (
            "the site's search form sends its words by POST, which cxlint does not guess, "
            "and no other search was found"
        )
    return (
        "none found: no OpenSearch description, schema.org SearchAction or search form that "
        "works, and no common search path that finds a product"
    )


def _fetch_page(fetcher: Fetcher) -> PageFor:
    async def page_for(url: str) -> Page | None:
        response = await fetcher.get(url)
        return parse_page(response) if response.ok else None

    return page_for


async def _try(
    fetcher: Fetcher,
    candidate: Candidate,
    tried: set[str],
    site_url: str,
    cache: PageCache | None = None,
) -> tuple[SearchConfig | None, str]:
    """Whether a found search works; the outcome in plain words."""
    if candidate.template is None:
        return None, candidate.problem or "cannot be used"
    if candidate.template in tried:
        return None, "the same search as above"
    tried.add(candidate.template)
    config = SearchConfig(template=candidate.template, method=candidate.method)
    search = SiteSearch(config, fetcher, site_url, cache=cache)
    probe = await search.probe()
    if probe.error:
        return None, f"not used: it does not work ({probe.error})"
    if candidate.example:
        example = await search.query(candidate.example)
        if example.error:
            return (
                None,
                f"not used: its example query '{candidate.example}' fails ({example.error})",
            )
        return config, (
            f"used; its example query '{candidate.example}' gives {example.count} result(s)"
        )
    return config, "used"


# --- 1. OpenSearch --------------------------------------------------------------------------


async def _opensearch_candidates(fetcher: Fetcher, home: Page) -> list[Candidate]:
    found = []
    for url in home.opensearch:
        response = await fetcher.get(url)
        if not response.ok:
            problem = response.error or f"the description answered HTTP {response.status}"
            found.append(Candidate("opensearch", url, None, f"not used: {problem}"))
            continue
        found.extend(_read_opensearch(response.body, response.final_url))
    return found


def _read_opensearch(body: bytes, source: str) -> list[Candidate]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return [Candidate("opensearch", source, None, "not used: not an XML document")]
    if root is None:
        return [Candidate("opensearch", source, None, "not used: an empty document")]
    example = None
    for query in _elements(root, "Query"):
        if query.get("role") == "example" and query.get("searchTerms"):
            example = query.get("searchTerms")
            break
    found, other_types = [], []
    for url in _elements(root, "Url"):
        kind = (url.get("type") or "").split(";")[0].strip().lower()
        if kind not in ("text/html", "application/xhtml+xml"):
            other_types.append(kind or "no type")
            continue
        raw = url.get("template") or ""
        if (url.get("method") or "get").lower() != "get":
            found.append(
                Candidate("opensearch", source, None, "not used: its search is sent by POST")
            )
            continue
        template, problem = _opensearch_template(raw, source, url)
        found.append(Candidate("opensearch", source, template, problem, example))
    if not found:
        offered = ", ".join(other_types) or "none"
        problem = f"not used: it offers no text/html results page (only: {offered})"
        found.append(Candidate("opensearch", source, None, problem))
    return found


def _elements(root: Any, local_name: str) -> list[Any]:
    return [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname == local_name
    ]


def _opensearch_template(raw: str, source: str, url: Any) -> tuple[str | None, str | None]:
    """An OpenSearch URL template as a cxlint template: {searchTerms} → {query}, optional
    parameters left empty, the few standard required ones given their first value."""
    if "{searchTerms}" not in raw:
        return None, "not used: its template has no {searchTerms}"
    defaults = {
        "startIndex": url.get("indexOffset") or "1",
        "startPage": url.get("pageOffset") or "1",
        "count": "20",
        "language": "*",
        "inputEncoding": "UTF-8",
        "outputEncoding": "UTF-8",
    }
    unknown: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        local = name.rstrip("?").split(":")[-1]
        if local == "searchTerms":
            return "{query}"
        if name.endswith("?"):
            return ""
        if local in defaults:
            return quote(defaults[local], safe="*")
        unknown.append(name)
        return ""

    filled = _PARAM.sub(fill, raw)
    if unknown:
        return None, "not used: its template needs " + ", ".join(f"{{{n}}}" for n in unknown)
    template = urljoin(source, filled.strip())
    if not urls.is_http_url(template.replace("{query}", "x")):
        return None, "not used: its template is not a web address"
    return template, None


# --- 2. schema.org SearchAction -------------------------------------------------------------


async def _schema_org_candidates(fetcher: Fetcher, home: Page) -> list[Candidate]:
    found = []
    for action in jsonld_of_type(home, "SearchAction"):
        name = _query_input_name(action.get("query-input") or action.get("query"))
        for target in _targets(action.get("target")):
            found.append(_schema_candidate(target, name, home.final_url, "JSON-LD"))
    for target, name in home.search_actions:
        found.append(
            _schema_candidate(target, _query_input_name(name), home.final_url, "microdata")
        )
    return found


def _targets(target: Any) -> list[str]:
    if isinstance(target, str):
        return [target]
    if isinstance(target, dict):
        value = target.get("urlTemplate") or target.get("url")
        return [value] if isinstance(value, str) else []
    if isinstance(target, list):
        return [t for item in target for t in _targets(item)]
    return []


def _query_input_name(spec: Any) -> str:
    """`required name=search_term_string`, a PropertyValueSpecification, or a bare name."""
    if isinstance(spec, dict):
        spec = spec.get("valueName") or ""
    if isinstance(spec, list):
        spec = next((s for s in spec if isinstance(s, str)), "")
    if not isinstance(spec, str):
        return "search_term_string"
    match = re.search(r"name\s*=\s*([\w.-]+)", spec)
    if match:
        return match.group(1)
    return spec.strip() if re.fullmatch(r"[\w.-]+", spec.strip()) else "search_term_string"


def _schema_candidate(target: str, name: str, source: str, written_as: str) -> Candidate:
    placeholder = "{" + name + "}"
    where = f"{source} ({written_as})"
    if placeholder not in target:
        return Candidate("schema.org", where, None, f"not used: its target has no {placeholder}")
    template = urljoin(source, target.replace(placeholder, "{query}").strip())
    return Candidate("schema.org", where, template)


# --- 3. the search form ---------------------------------------------------------------------


async def _form_candidates(fetcher: Fetcher, home: Page) -> list[Candidate]:
    found = []
    for form in home.forms:
        field_name = _search_field(form)
        if field_name is None:
            continue
        where = f"{home.final_url} (form to {form.action})"
        if form.method != "get":
            problem = (
                f"not used: the search form sends its words by {form.method.upper()}, "
                "which a link cannot do; cxlint does not guess"
            )
            found.append(Candidate("form", where, None, problem))
            continue
        found.append(Candidate("form", where, _form_template(form, field_name)))
    return found


def _search_field(form: Form) -> str | None:
    """The name of a search form's text field, or None when the form is no search form."""
    for name, kind in form.inputs:
        if kind == "search":
            return name
    named = [name for name, _ in form.inputs if name.lower() in SEARCH_FIELD_NAMES]
    if named:
        return named[0]
    if form.role == "search" and len(form.inputs) == 1:
        return form.inputs[0][0]
    return None


def _form_template(form: Form, field_name: str) -> str:
    # A GET form replaces the action's query string with its own fields (HTML spec).
    parts = urlsplit(form.action)
    fields = urlencode(form.hidden)
    query = (fields + "&" if fields else "") + quote(field_name, safe="") + "={query}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


# --- 4. common paths, verified with a product ----------------------------------------------


async def _probe_common_paths(
    fetcher: Fetcher,
    site_url: str,
    products: list[Product],
    page_for: PageFor,
    steps: list[dict[str, Any]],
    cache: PageCache | None = None,
) -> tuple[SearchConfig | None, Candidate | None]:
    origin = urls.origin(site_url)
    healthy: list[tuple[Product, Page]] = []
    for product in products:
        if product.url and len(healthy) < VERIFY_WITH:
            page = await page_for(product.url)
            if page is not None:
                healthy.append((product, page))
    if not healthy:
        steps.append(
            _step(
                "probe",
                origin,
                None,
                "no common search path tried: no product page could be opened to verify one",
            )
        )
        return None, None
    for path in COMMON_PATHS:
        template = origin + path
        config = SearchConfig(template=template, method="probe")
        search = SiteSearch(config, fetcher, site_url, cache=cache)
        probe = await search.probe()
        if probe.error:
            steps.append(_step("probe", template, template, f"not a search: {probe.error}"))
            continue
        for product, page in healthy:
            for name in _names(product, page):
                result = await search.query(name)
                if result.error is None and result.rank(product_targets(product, page)):
                    outcome = f"used: searching for '{name}' finds that product"
                    steps.append(_step("probe", template, template, outcome))
                    return config, Candidate("probe", template, template)
        names = ", ".join(f"'{name}'" for p, page in healthy for name in _names(p, page))
        outcome = f"not used: searching for {names} does not find the product there"
        steps.append(_step("probe", template, template, outcome))
    return None, None


def _names(product: Product, page: Page) -> list[str]:
    """The product's name in the manifest, and the one its page uses when that differs."""
    own = site_name(page)
    return [product.name] + ([own] if own and fold(own) != fold(product.name) else [])
