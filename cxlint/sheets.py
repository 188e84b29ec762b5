"""Product and link spreadsheets (CSV or .xlsx) read into manifest entries.

Marketing keeps its products and links in a spreadsheet, with its own column names. Columns
are found by header name, case-insensitively and with common synonyms ("SKU", "Model number",
"Product URL", "Price (USD)"). Every row becomes an entry or a problem naming its row as the
spreadsheet shows it (`products.csv:4: no model number and no name`): nothing is dropped
silently. A campaign checked without one of its products would pass for a product nobody
checked, so callers refuse a sheet with any bad row rather than write the good ones.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from cxlint import urls
from cxlint.errors import UsageError

MAX_BYTES = 50 * 1024 * 1024  # as a manifest's
Kind = Literal["products", "links"]

# Synonyms per field, best first: when two columns mean one field, the earlier synonym wins
# and the other is reported as ignored. Compared after _normal() (lower case, words only).
_PRODUCT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "product id", "campaign id", "key"),
    "name": ("name", "product name", "product", "product title", "title", "item name", "item"),
    "model": (
        "model",
        "model number",
        "model no",
        "model nr",
        "retail model",
        "retail model number",
        "sku",
        "mpn",
        "part number",
        "part no",
        "article number",
        "item number",
        "product code",
    ),
    "aliases": ("aliases", "alias", "other names", "also known as", "aka", "search terms"),
    "url": ("url", "product url", "product page", "product page url", "page url", "product link"),
    "price": ("price", "campaign price", "sale price", "offer price", "retail price"),
    "currency": ("currency", "currency code"),
}
_LINK_COLUMNS: dict[str, tuple[str, ...]] = {
    "url": (
        "url",
        "landing page",
        "landing page url",
        "landing url",
        "link",
        "tracking url",
        "tracking link",
        "campaign url",
        "campaign link",
        "destination url",
        "destination",
        "final url",
    ),
    "channel": ("channel", "medium", "utm medium"),
    "products": ("products", "product", "product ids", "product id", "models", "model", "sku"),
}
COLUMNS: dict[Kind, dict[str, tuple[str, ...]]] = {
    "products": _PRODUCT_COLUMNS,
    "links": _LINK_COLUMNS,
}
# "Price (USD)", "Price in EUR", "Price €": the header names the currency
_PRICE_IN = re.compile(
    r"^\s*(.*?price)\s*(?:\(|\[|in\s+|-\s*)?\s*([A-Za-z]{3}|€|£)\s*[)\]]?\s*$", re.I
)
_SYMBOLS = {"€": "EUR", "£": "GBP"}  # "$" and "¥" name several currencies: not guessed
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_LIST_SPLIT = re.compile(r"\s*[;|\n]\s*")


@dataclass
class Entry:
    """One manifest entry from one row; `notes` are comments on fields that were guessed."""

    row: int
    data: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)
    source: str = ""  # where it came from when not a sheet's row ("drafted from URL")


@dataclass
class Sheet:
    file: str  # as the user named it, for messages
    columns: dict[str, str]  # field → header as written
    rows: list[tuple[int, dict[str, str]]]  # (row number as the sheet shows it, field → text)
    ignored: list[str] = field(default_factory=list)  # headers no field uses
    header_currency: str | None = None  # from "Price (USD)"


class SheetError(UsageError):
    """Every bad row of a sheet; `str()` is the first, `problems` all of them."""

    def __init__(self, problems: list[str]) -> None:
        more = len(problems) - 1
        super().__init__(problems[0] + (f" (and {more} more bad rows)" if more else ""))
        self.problems = problems


def _normal(header: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.lower().replace("#", " number ")).split())


# --- reading cells --------------------------------------------------------------------------


def _decode(data: bytes, file: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text" export
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # Excel's plain "CSV" on Windows in the West
    except UnicodeDecodeError:
        raise UsageError(
            f"{file}: the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'"
        ) from None


def _csv_rows(data: bytes, file: str) -> list[list[str]]:
    text = _decode(data, file)
    # ";" is what Excel writes where the decimal separator is a comma (most of Europe). The
    # header line decides: data rows hold prices like 499,99 and lists like "a; b".
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in ",;\t|"}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UsageError(f"{file}: not a readable CSV file ({exc})") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path, file: str) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UsageError(
            f"{file}: not an Excel workbook (.xlsx) that can be read; save it again as .xlsx "
            "or as CSV"
        ) from None
    try:
        sheet = book.worksheets[0]  # the first sheet, as a CSV export would take
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_sheet(path: str | Path, kind: Kind, display: str | None = None) -> Sheet:
    """The rows of a CSV or .xlsx file with their columns matched to manifest fields."""
    file = display or str(path)
    source = Path(path)
    if not source.is_file():
        raise UsageError(f"{file}: no such file")
    if source.stat().st_size > MAX_BYTES:
        raise UsageError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    suffix = source.suffix.lower()
    if suffix in (".xls", ".ods", ".numbers"):
        raise UsageError(f"{file}: save the spreadsheet as .xlsx or as CSV first")
    if suffix in (".xlsx", ".xlsm"):
        table = _xlsx_rows(source, file)
    else:
        table = _csv_rows(source.read_bytes(), file)
    return _match_columns(table, kind, file)


def _match_columns(table: list[list[str]], kind: Kind, file: str) -> Sheet:
    start = next((i for i, row in enumerate(table) if any(c.strip() for c in row)), None)
    if start is None:
        raise UsageError(f"{file}: the sheet is empty")
    synonyms = COLUMNS[kind]
    wanted = ("name", "model") if kind == "products" else ("url",)
    # a title row or two above the header is common: the header is the first row that
    # names a column the sheet must have
    names = {n for w in wanted for n in synonyms[w]}
    start = next(
        (i for i, row in enumerate(table[:20]) if any(_normal(c) in names for c in row)), start
    )
    headers = [h.strip() for h in table[start]]
    chosen: dict[str, tuple[int, int]] = {}  # field → (synonym rank, column index)
    header_currency = None
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        name = _normal(header)
        priced = _PRICE_IN.match(header) if kind == "products" else None
        if priced and _normal(priced.group(1)) in synonyms["price"]:
            name = _normal(priced.group(1))
            code = priced.group(2)
            header_currency = _SYMBOLS.get(code, code.upper())
        found = next(
            ((f, names.index(name)) for f, names in synonyms.items() if name in names), None
        )
        if found is None:
            ignored.append(header)
            continue
        what, rank = found
        if what in chosen and chosen[what][0] <= rank:
            ignored.append(header)
            continue
        if what in chosen:
            ignored.append(headers[chosen[what][1]])
        chosen[what] = (rank, index)
    if not any(w in chosen for w in wanted):
        need = "'Name' or 'Model number'" if kind == "products" else "'Landing page' or 'URL'"
        found_names = ", ".join(f"'{h}'" for h in headers if h) or "none"
        raise UsageError(
            f"{file}:{start + 1}: no column for the {' or '.join(wanted)}: name one {need} "
            f"(the columns are {found_names})"
        )
    rows = []
    for number, row in enumerate(table[start + 1 :], start=start + 2):
        values = {
            what: row[index].strip() for what, (_, index) in chosen.items() if index < len(row)
        }
        if any(row_cell.strip() for row_cell in row):  # a blank row holds nothing to lose
            rows.append((number, values))
    columns = {what: headers[index] for what, (_, index) in chosen.items()}
    return Sheet(file, columns, rows, ignored, header_currency)


# --- rows → entries -------------------------------------------------------------------------


@cache
def _limits() -> dict[str, int]:
    """The schema's length limits for what a row fills in (read from it, so they agree)."""
    from cxlint.manifest import manifest_schema

    defs = manifest_schema()["$defs"]
    fields = defs["product"]["properties"]
    limits = {key: fields[key]["maxLength"] for key in ("id", "name", "model")}
    limits["aliases"] = fields["aliases"]["items"]["maxLength"]
    limits["url"] = defs["url"]["maxLength"]
    return limits


def _url_problem(value: str, column: str) -> str | None:
    meant = urls.missing_scheme(value)
    if meant:
        return f"'{column}' {value!r} has no https:// in front; write {meant}"
    if ":" in value.split("/", 1)[0] and not urls.is_http_url(value):
        return f"'{column}' must be an http(s) address or a path on the site, not {value!r}"
    return None


def _price(text: str, sheet: Sheet, row: dict[str, str]) -> tuple[Decimal | None, str | None]:
    from price_parser import Price

    if _PLAIN_NUMBER.fullmatch(text):  # most cells: no need to parse a price
        return Decimal(text), row.get("currency") or sheet.header_currency
    column = sheet.columns["price"]
    parsed = Price.fromstring(text)
    if parsed.amount is None:
        raise ValueError(f"'{column}' is not a number: {text!r}")
    digit = re.search(r"\d", text)
    if digit and "-" in text[: digit.start()]:
        raise ValueError(f"'{column}' is negative: {text!r}")
    symbol = (parsed.currency or "").strip()
    currency = (
        row.get("currency")
        or _SYMBOLS.get(symbol)
        or (symbol.upper() if _CURRENCY.fullmatch(symbol) else None)
    )
    return parsed.amount, currency or sheet.header_currency


def products(sheet: Sheet) -> list[Entry]:
    """Manifest product entries, one per row; SheetError listing every bad row."""
    entries, problems = [], []
    first: dict[str, int] = {}
    for number, row in sheet.rows:
        where = f"{sheet.file}:{number}"
        data: dict[str, Any] = {}
        notes: dict[str, str] = {}
        try:
            name, model = row.get("name", ""), row.get("model", "")
            if not name and not model:
                raise ValueError("no model number and no name")
            if row.get("id"):
                data["id"] = row["id"]
            data["name"] = name or model
            if not name:
                notes["name"] = "the model number: write the name the campaign prints"
            if model:
                data["model"] = model
            aliases = [a for a in _LIST_SPLIT.split(row.get("aliases", "")) if a]
            if aliases:
                data["aliases"] = aliases
            if row.get("url"):
                problem = _url_problem(row["url"], sheet.columns["url"])
                if problem:
                    raise ValueError(problem)
                data["url"] = row["url"]
            currency = row.get("currency") or None
            if row.get("price"):
                amount, currency = _price(row["price"], sheet, row)
                data["price"] = amount
                if currency and not row.get("currency"):
                    notes["currency"] = f"from {sheet.columns['price']!r}"
            if currency:
                if not _CURRENCY.fullmatch(currency):
                    column = sheet.columns.get("currency", "currency")
                    raise ValueError(
                        f"'{column}' must be a three-letter code like USD or EUR, not {currency!r}"
                    )
                data["currency"] = currency.upper()
            _schema_check(data)
            key = data.get("id") or data.get("model") or data["name"]
            if key in first:
                raise ValueError(
                    f"the same product as row {first[key]} ({key!r}); give each row its own "
                    "model number, or an 'ID' column"
                )
            first[key] = number
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        entries.append(Entry(number, data, notes))
    if problems:
        raise SheetError(problems)
    return entries


def _schema_check(data: dict[str, Any]) -> None:
    """The schema's limits (300 characters for a name), said for a row. (A validator per row
    took 15 s at 20,000 rows; the other rules of the schema are the checks above.)"""
    for key, limit in _limits().items():
        values = data.get(key)
        for value in values if isinstance(values, list) else [values]:
            if value is not None and len(value) > limit:
                raise ValueError(
                    f"{key} is {len(value):,} characters long; at most {limit:,} are allowed"
                )


def product_keys(entries: list[Entry]) -> dict[str, str]:
    """What a links sheet may call a product (its id, model or name, any case) → its id."""
    keys: dict[str, str] = {}
    for entry in entries:
        data = entry.data
        product_id = data.get("id") or data.get("model") or data["name"]
        for word in (data["name"], data.get("model"), data.get("id")):
            if word:
                keys.setdefault(word.casefold(), product_id)
    return keys


def landing_pages(sheet: Sheet, keys: dict[str, str], products_file: str | None) -> list[Entry]:
    """Manifest landing page entries, one per row; SheetError listing every bad row."""
    entries, problems = [], []
    for number, row in sheet.rows:
        try:
            url = row.get("url", "")
            if not url:
                raise ValueError(f"no '{sheet.columns['url']}'")
            problem = _url_problem(url, sheet.columns["url"])
            if problem:
                raise ValueError(problem)
            data: dict[str, Any] = {"url": url}
            if row.get("channel"):
                data["channel"] = row["channel"]
            names = [n for n in re.split(r"\s*[;,|\n]\s*", row.get("products", "")) if n]
            ids = []
            for name in names:
                if name.casefold() not in keys:
                    where = products_file or "the products (give --products FILE)"
                    raise ValueError(f"product {name!r} is not in {where}")
                ids.append(keys[name.casefold()])
            if ids:
                data["products"] = list(dict.fromkeys(ids))
        except ValueError as exc:
            problems.append(f"{sheet.file}:{number}: {exc}")
            continue
        entries.append(Entry(number, data))
    if problems:
        raise SheetError(problems)
    return entries
