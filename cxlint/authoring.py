"""`cxlint init`: a commented manifest from questions, flags or spreadsheets.

The manifest is written as text, not dumped from data, so that it can explain itself to the
marketer who will edit it: what each section is for, which spreadsheet row each entry came
from, and which values were guessed. Whatever the path, the text is read back with the
manifest loader before it is written, so `cxlint init` never leaves a manifest that
`cxlint check` refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import yaml

from cxlint import sheets, urls
from cxlint.errors import UsageError
from cxlint.sheets import Entry


@dataclass
class Draft:
    """What the manifest will say."""

    name: str
    site_url: str
    campaign_id: str | None = None
    phone: str | None = None
    products: list[Entry] = field(default_factory=list)
    landing_pages: list[Entry] = field(default_factory=list)
    products_file: str | None = None
    links_file: str | None = None
    from_site: str | None = None  # "from 3 pages of https://shop.example"
    skipped: list[str] = field(default_factory=list)  # pages that gave no product, and why


def schema_location() -> str:
    """The schema's published URL (what `cxlint schema` prints, in draft-07 for editors), not
    this machine's packaged path: a manifest is shared, and the path would not be there."""
    from cxlint.validate import SCHEMA_ID

    return SCHEMA_ID


# --- rendering --------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        value = value.replace("${", "$${")  # a cell's "${X}" is text, not an environment variable
    text: str = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.removesuffix("\n").removesuffix("\n...")


def _with_note(line: str, note: str | None) -> str:
    return f"{line}  # {note}" if note else line


def _entry(entry: Entry, source: str | None) -> list[str]:
    if entry.source:
        lines = [f"  # {entry.source}"]
    else:
        lines = [f"  # {source} row {entry.row}"] if source else []
    for i, (key, value) in enumerate(entry.data.items()):
        lead = "  - " if i == 0 else "    "
        if isinstance(value, list):
            value = "[" + ", ".join(_scalar(v) for v in value) + "]"
        else:
            value = _scalar(value)
        lines.append(_with_note(f"{lead}{key}: {value}", entry.notes.get(key)))
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render(draft: Draft, output_name: str) -> str:
    """The manifest's text, with comments for the person who edits it next."""
    sources = [f for f in (draft.products_file, draft.from_site, draft.links_file) if f]
    made = "from " + " and ".join(sources) if sources else "from your answers"
    run = output_name if output_name != "-" else "campaign.yaml"
    lines = [
        f"# yaml-language-server: $schema={schema_location()}",
        f"# A cxlint campaign manifest, drafted by `cxlint init` {made} on "
        f"{date.today().isoformat()}.",
        f"# Check the site keeps the campaign's promises:  cxlint check {run}",
        f"# Check staging before launch:  cxlint check {run} --base-url https://staging.example.com",
        "version: 1",
        "campaign:",
        f"  name: {_scalar(draft.name)}",
    ]
    if draft.campaign_id:
        lines.append(f"  id: {_scalar(draft.campaign_id)}  # often the links' utm_campaign value")
    lines += [
        "  # launch: 2026-12-01  # the launch date, YYYY-MM-DD",
        "site:",
        f"  url: {_scalar(draft.site_url)}  # relative URLs below resolve against it",
        "  # search: /search?q={query}  # the site's search; found by itself when absent",
    ]
    if draft.phone:
        lines.append(f'  phone: "{draft.phone}"  # the number landing pages must show')
    else:
        lines.append('  # phone: "+1 800 555 0100"  # the number landing pages must show')
    lines += [
        "",
        "# Each product is searched for on the site by its model number, name and aliases,",
        "# and its page is checked for the model number, the price and its availability.",
    ]
    if draft.products:
        lines.append("products:")
        for entry in draft.products:
            lines += _entry(entry, draft.products_file)
    else:
        lines.append("products: []  # - {name: Motorola RAZR V710, model: V710, url: /phones/v710}")
    if draft.skipped:
        lines.append("# Pages read that gave no product (add them by hand if they should):")
        lines += [f"#   {_one_line(why)}" for why in draft.skipped]
    lines += [
        "",
        "# The links the campaign prints or sends, with their tracking (utm_*) parameters;",
        "# `products` lists the ids (or model numbers) of the products each page must show.",
    ]
    if draft.landing_pages:
        lines.append("landing_pages:")
        for entry in draft.landing_pages:
            lines += _entry(entry, draft.links_file)
    else:
        lines.append("landing_pages: []  # - {url: '/v710?utm_source=print', channel: print}")
    return "\n".join(lines) + "\n"


# --- questions on a terminal ------------------------------------------------------------------


def _site_url(value: str) -> str:
    value = value.strip()
    # a site's address is a host (shop.example): any such text lacks only its scheme
    bare = "://" not in value and "." in value and " " not in value
    meant = urls.missing_scheme(value) or (f"https://{value}" if bare else None)
    if meant:
        raise click.BadParameter(f"start it with https:// (did you mean {meant}?)")
    if not urls.is_http_url(value):
        raise click.BadParameter("give an http(s) address like https://www.example.com")
    return value


def _page_url(value: str) -> str:
    value = value.strip()
    meant = urls.missing_scheme(value)
    if meant:
        raise click.BadParameter(f"start it with https:// (did you mean {meant}?)")
    if ":" in value.split("/", 1)[0] and not urls.is_http_url(value):
        raise click.BadParameter("give an http(s) address or a path on the site like /lp/sale")
    return value


def _price(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", value):
        raise click.BadParameter("give a number like 499.99, without the currency")
    return value.replace(",", ".")


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise click.BadParameter("give a three-letter currency code like USD or EUR")
    return value.strip().upper()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "campaign"


def _ask(text: str, proc: Any = None, default: str | None = "") -> str:
    """A question; Enter keeps the default shown (an empty default: skip)."""
    answer: str = click.prompt(text, default=default, show_default=bool(default), value_proc=proc)
    return answer.strip()


def _ask_products(draft: Draft) -> None:
    click.echo("\nProducts the campaign names (an empty name ends the list).")
    seen: dict[str, int] = {}
    while True:
        number = len(draft.products) + 1
        name = _ask(f"Product {number} name")
        if not name:
            return
        data: dict[str, Any] = {"name": name}
        model = _ask("  Model number printed in the ads (empty: none)")
        if model:
            data["model"] = model
        key = model or name
        if key in seen:
            click.echo(f"  product {seen[key]} already has {key!r}; this one is skipped.")
            continue
        aliases = _ask("  Other names customers type, separated by ; (empty: none)")
        if aliases:
            data["aliases"] = [a for a in re.split(r"\s*;\s*", aliases) if a]
        url = _ask("  Product page URL or path (empty: none)", _page_url)
        if url:
            data["url"] = url
        price = _ask("  Price in the campaign (empty: none)", _price)
        if price:
            data["price"] = Decimal(price)
            data["currency"] = _ask("  Currency", _currency, "USD")
        seen[key] = number
        draft.products.append(Entry(number, data))


def _ask_landing_pages(draft: Draft) -> None:
    keys = sheets.product_keys(draft.products)

    def known(value: str) -> list[str]:
        names = [n for n in re.split(r"\s*[;,]\s*", value.strip()) if n]
        missing = [n for n in names if n.casefold() not in keys]
        if missing:
            raise click.BadParameter(f"no product {missing[0]!r}; give a model number or name")
        return list(dict.fromkeys(keys[n.casefold()] for n in names))

    click.echo("\nLanding pages: the links the campaign prints or sends (empty URL ends the list).")
    while True:
        url = _ask(f"Landing page {len(draft.landing_pages) + 1} URL", _page_url)
        if not url:
            return
        data: dict[str, Any] = {"url": url}
        channel = _ask("  Channel (print, email, social…; empty: none)")
        if channel:
            data["channel"] = channel
        if keys:
            names: Any = click.prompt(
                "  Products it must show (model numbers or names, separated by ,)",
                default="",
                show_default=False,
                value_proc=known,
            )
            if names:
                data["products"] = names
        draft.landing_pages.append(Entry(len(draft.landing_pages) + 1, data))


# --- the command --------------------------------------------------------------------------


@dataclass
class InitOptions:
    output: str = "campaign.yaml"
    name: str | None = None
    campaign_id: str | None = None
    site_url: str | None = None
    phone: str | None = None
    products: str | None = None
    links: str | None = None
    force: bool = False
    interactive: bool = False
    from_url: tuple[str, ...] = ()
    from_sitemap: str | None = None
    match: str | None = None
    limit: int = 50
    fetch: Any = None  # FetchOptions for --from-url and --from-sitemap


def _read_sheets(draft: Draft, options: InitOptions) -> None:
    problems: list[str] = []
    if options.products:
        sheet = sheets.read_sheet(options.products, "products")
        _say_ignored(sheet)
        try:
            draft.products = sheets.products(sheet)
        except sheets.SheetError as exc:
            problems += exc.problems
        draft.products_file = options.products
    if options.links:
        sheet = sheets.read_sheet(options.links, "links")
        _say_ignored(sheet)
        keys = sheets.product_keys(draft.products)
        try:
            draft.landing_pages = sheets.landing_pages(sheet, keys, options.products)
        except sheets.SheetError as exc:
            problems += exc.problems
        draft.links_file = options.links
    if problems:
        # Every bad row at once, and no manifest: one missing from it would pass unchecked.
        for problem in problems:
            click.echo(f"cxlint: error: {problem}", err=True)
        raise UsageError(
            f"{len(problems)} bad row{'s' * (len(problems) > 1)}: fix them in the sheet and run "
            "cxlint init again; no manifest was written"
        )


def _read_site(draft: Draft, options: InitOptions) -> None:
    from cxlint.fetch import FetchOptions
    from cxlint.site_draft import draft_from_site

    drafted, note = draft_from_site(
        list(options.from_url),
        options.from_sitemap,
        options.match,
        options.limit,
        draft.site_url,
        options.fetch or FetchOptions(),
    )
    for why in drafted.skipped:
        click.echo(f"cxlint: note: not drafted: {why}", err=True)
    if note:
        click.echo(f"cxlint: note: {note}", err=True)
    if not drafted.entries:
        raise UsageError(
            f"no product could be drafted from the {len(drafted.skipped)} pages read (each is "
            "named above); give their product pages, or --products FILE"
        )
    draft.products = drafted.entries
    draft.skipped = drafted.skipped
    pages = len(drafted.entries) + len(drafted.skipped)
    draft.from_site = f"{pages} page{'s' * (pages != 1)} of {urls.origin(draft.site_url)}"


def _say_ignored(sheet: sheets.Sheet) -> None:
    if sheet.ignored:
        names = ", ".join(repr(h) for h in sheet.ignored)
        click.echo(f"cxlint: note: {sheet.file}: columns not used: {names}", err=True)


def init(options: InitOptions) -> str:
    """Draft, check and write the manifest; returns its text."""
    from cxlint.manifest import load_manifest_text
    from cxlint.output import refuse_clobbering, write_output

    output = options.output
    ask = options.interactive
    exists = output != "-" and Path(output).exists() and not options.force
    if exists and not (ask and click.confirm(f"{output} exists. Replace it?", default=False)):
        raise UsageError(f"{output} already exists; name another --output or add --force")
    inputs = {p: "a spreadsheet cxlint init reads" for p in (options.products, options.links) if p}
    refuse_clobbering([output], inputs)

    from_site = list(options.from_url) + ([options.from_sitemap] if options.from_sitemap else [])
    for url in from_site:
        if not urls.is_http_url(url):
            raise UsageError(f"--from-url and --from-sitemap take http(s) addresses, not {url!r}")
    if from_site and options.products:
        raise UsageError(
            "draft from --products or from the site (--from-url, --from-sitemap), not both"
        )
    if (options.match or options.limit != 50) and not options.from_sitemap:
        raise UsageError("--match and --limit choose pages of --from-sitemap URL; give it")
    site_url = options.site_url
    if site_url is None and from_site:
        site_url = urls.origin(from_site[0])
    if site_url is not None:
        try:
            site_url = _site_url(site_url)
        except click.BadParameter as exc:
            raise UsageError(f"--site-url {site_url!r}: {exc.message}") from None
    elif ask:
        site_url = _ask("Site URL (https://…)", _site_url, None)
    else:
        raise UsageError("cxlint init needs --site-url URL (or run it on a terminal to answer)")
    default_name = Path(output).stem.replace("-", " ").replace("_", " ") if output != "-" else ""
    name = options.name or (
        _ask("Campaign name", default=default_name or None) if ask else default_name or "Campaign"
    )
    campaign_id = options.campaign_id
    if campaign_id is None and ask:
        campaign_id = _ask("Campaign id (often its utm_campaign)", default=_slug(name))
    phone = options.phone
    if phone is None and ask:
        phone = _ask("Phone number landing pages must show (empty: none)")
    draft = Draft(name=name, site_url=site_url, campaign_id=campaign_id or None, phone=phone)
    if from_site:
        _read_site(draft, options)
    _read_sheets(draft, options)
    if ask and not options.products:
        _ask_products(draft)
    if ask and not options.links:
        _ask_landing_pages(draft)
    if not draft.products and not draft.landing_pages:
        raise UsageError(
            "nothing to check: give --products FILE or --links FILE (or run cxlint init on a "
            "terminal and type them)"
        )

    text = render(draft, output)
    try:
        load_manifest_text(text, output if output != "-" else "campaign.yaml", env={})
    except UsageError as exc:  # a bug in init, not in the user's input
        raise UsageError(
            f"cxlint init drafted a manifest it cannot read ({exc}); please report this"
        ) from None
    write_output(output, text.encode("utf-8"), what="manifest")
    if output != "-":
        counts = ", ".join(
            f"{n} {word}{'s' * (n != 1)}"
            for n, word in (
                (len(draft.products), "product"),
                (len(draft.landing_pages), "landing page"),
            )
        )
        click.echo(f"wrote {output} ({counts}); next: cxlint check {output}", err=True)
    return text
