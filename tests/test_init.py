"""`cxlint init`: manifests from spreadsheets, flags and questions that `cxlint check` accepts."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxlint.catalogue import load_catalogue
from cxlint.cli import main
from cxlint.demo.catalogue import DEFAULT_CATALOGUE
from cxlint.demo.store import DemoStore
from cxlint.manifest import load_manifest
from cxlint.urls import missing_scheme
from cxlint.validate import SCHEMA_ID

SITE = "https://shop.example"


def run(tmp_path: Path, *args: str, input: str | None = None):  # noqa: A002 - click's name
    """`cxlint init ARGS` run in tmp_path, so relative paths land there."""
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, ["init", *args], input=input)
    finally:
        os.chdir(here)


def load(path: Path):
    rules = {name: set(rule.options) for name, rule in load_catalogue().items()}
    return load_manifest(path, rules=rules, env={})


def test_csv_with_synonyms_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    # Excel's "CSV UTF-8" in Europe: a BOM, ";" between cells, 499,99 for prices
    (tmp_path / "products.csv").write_bytes(
        "\ufeffSKU;Product Name;Price (EUR);Product URL;Aliases;Stock\n"
        'V710;Motorola RAZR V710;499,99;/phones/razr-v710;"RAZR V710; camera phone";5\n'
        "\n"
        "E398;;99;;;0\n".encode()
    )
    result = run(tmp_path, "--products", "products.csv", "--site-url", SITE, "--no-input")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "campaign.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_ID}"
    assert "# products.csv row 2" in text and "# products.csv row 4" in text
    assert "columns not used: 'Stock'" in result.output
    campaign = load(tmp_path / "campaign.yaml")
    v710, e398 = campaign.products
    assert (v710.id, v710.name, v710.model) == ("V710", "Motorola RAZR V710", "V710")
    assert v710.aliases == ["RAZR V710", "camera phone"]
    assert (v710.price, v710.currency) == (Decimal("499.99"), "EUR")
    assert v710.url == SITE + "/phones/razr-v710"
    assert e398.name == "E398"  # no name: the model stands in, with a comment saying so
    assert "name: E398  # the model number" in text


def test_windows_1252_csv_and_commas(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_bytes(
        "Model number,Name,Price,Currency\nC1,Café Phone,$1,299.00,usd\n".encode("cp1252").replace(
            b"$1,299.00", b'"$1,299.00"'
        )
    )
    result = run(tmp_path, "--products", "p.csv", "--site-url", SITE, "-o", "c.yaml", "--no-input")
    assert result.exit_code == 0, result.output
    (product,) = load(tmp_path / "c.yaml").products
    assert (product.name, product.price, product.currency) == (
        "Café Phone",
        Decimal("1299.00"),
        "USD",
    )


def test_every_bad_row_is_listed_with_its_row_and_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / "products.csv").write_text(
        "Model,Name,Price,Product URL\n"
        "V710,RAZR V710,499.99,/p/v710\n"
        ",,12,\n"  # row 3
        "X1,Phone X1,abc,\n"  # row 4
        "X2,Phone X2,,www.shop.example/x2\n"  # row 5
        "V710,RAZR again,,\n"  # row 6
        "X3,Phone X3,-5,\n"  # row 7
    )
    result = run(tmp_path, "--products", "products.csv", "--site-url", SITE, "--no-input")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert "cxlint: error: products.csv:3: no model number and no name" in lines
    assert "cxlint: error: products.csv:4: 'Price' is not a number: 'abc'" in lines
    assert any(
        line.startswith("cxlint: error: products.csv:5:") and "https://www.shop.example/x2" in line
        for line in lines
    )
    assert any(
        line.startswith("cxlint: error: products.csv:6: the same product as row 2")
        for line in lines
    )
    assert "cxlint: error: products.csv:7: 'Price' is negative: '-5'" in lines
    assert "5 bad rows" in lines[-1] and "no manifest was written" in lines[-1]
    assert "Traceback" not in result.output
    assert not (tmp_path / "campaign.yaml").exists()


def test_sheet_without_a_name_or_model_column(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("Colour,Stock\nred,5\n")
    result = run(tmp_path, "--products", "p.csv", "--site-url", SITE, "--no-input")
    assert result.exit_code == 2
    assert "p.csv:1: no column for the name or model" in result.output
    assert "'Colour', 'Stock'" in result.output


def test_xlsx_with_numbers_in_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Campaign products"])  # a title row above the header is common
    sheet.append([])
    sheet.append(["Model number", "Product name", "Price (USD)", "Product URL"])
    sheet.append([12345, "Phone 12345", 19.99, "https://shop.example/p/12345"])
    sheet.append(["V710", "RAZR V710", 499, None])
    sheet.append([None, None, 5, None])  # row 6: bad
    book.save(tmp_path / "products.xlsx")
    result = run(tmp_path, "--products", "products.xlsx", "--site-url", SITE, "--no-input")
    assert result.exit_code == 2
    assert "products.xlsx:6: no model number and no name" in result.output

    sheet.delete_rows(6)
    book.save(tmp_path / "products.xlsx")
    result = run(tmp_path, "--products", "products.xlsx", "--site-url", SITE, "--no-input")
    assert result.exit_code == 0, result.output
    first, second = load(tmp_path / "campaign.yaml").products
    assert (first.model, first.price, first.currency) == ("12345", Decimal("19.99"), "USD")
    assert (second.model, second.price) == ("V710", Decimal("499"))


def test_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "p.xlsx").write_text("Model\nV710\n")
    result = run(tmp_path, "--products", "p.xlsx", "--site-url", SITE, "--no-input")
    assert result.exit_code == 2
    assert "p.xlsx: not an Excel workbook" in result.output


def test_links_sheet_names_products_by_model_or_name(tmp_path: Path) -> None:
    (tmp_path / "products.csv").write_text("ID,Name,Model\nv710,Motorola RAZR V710,V710\n")
    (tmp_path / "links.csv").write_text(
        "Landing page,Channel,Products\n"
        "/v710?utm_source=vf&utm_medium=print&utm_campaign=l,print,V710\n"
        "https://shop.example/sale,email,motorola razr v710; v710\n"
    )
    args = ["--products", "products.csv", "--links", "links.csv", "--site-url", SITE]
    result = run(tmp_path, *args, "--no-input")
    assert result.exit_code == 0, result.output
    first, second = load(tmp_path / "campaign.yaml").landing_pages
    assert (first.channel, first.products) == ("print", ["v710"])
    assert second.products == ["v710"]

    (tmp_path / "links.csv").write_text(
        "URL,Products\n/a,V710\nwww.shop.example/lp,\n/b,Q9\n,\n/c\n"
    )
    result = run(tmp_path, *args, "--no-input", "--force")
    assert result.exit_code == 2
    assert "links.csv:3: 'URL' 'www.shop.example/lp' has no https://" in result.output
    assert "links.csv:4: product 'Q9' is not in products.csv" in result.output
    assert "2 bad rows" in result.output  # the blank row 5 is not one


def test_never_overwrites_without_force_nor_an_input_even_with_it(tmp_path: Path) -> None:
    (tmp_path / "products.csv").write_text("Model\nV710\n")
    (tmp_path / "campaign.yaml").write_text("mine\n")
    args = ["--products", "products.csv", "--site-url", SITE, "--no-input"]
    result = run(tmp_path, *args)
    assert result.exit_code == 2
    assert "campaign.yaml already exists; name another --output or add --force" in result.output
    assert (tmp_path / "campaign.yaml").read_text() == "mine\n"
    assert run(tmp_path, *args, "--force").exit_code == 0
    assert load(tmp_path / "campaign.yaml").products[0].model == "V710"
    result = run(tmp_path, *args, "--force", "-o", "products.csv")
    assert result.exit_code == 2
    assert "a spreadsheet cxlint init reads" in result.output
    assert (tmp_path / "products.csv").read_text() == "Model\nV710\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "cxlint init needs --site-url URL"),
        (["--site-url", "www.shop.example"], "did you mean https://www.shop.example?"),
        (["--site-url", "ftp://shop.example"], "give an http(s) address"),
        (["--site-url", "shop.example"], "did you mean https://shop.example?"),
        (["--site-url", SITE], "nothing to check: give --products FILE or --links FILE"),
    ],
)
def test_flags_without_a_terminal(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(tmp_path, *args, "--no-input")
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "campaign.yaml").exists()


def test_interactive_questions_validate_as_you_go(tmp_path: Path) -> None:
    answers = [
        "www.shop.example",  # refused: no scheme
        "https://www.shop.example",
        "",  # campaign name: the default shown (from the output's name)
        "spring-26",
        "+1 800 555 0100",
        "Motorola RAZR V710",
        "V710",
        "RAZR V710; razr",
        "/phones/razr-v710",
        "499 USD",  # refused: not a number
        "499.99",
        "",  # currency: USD, the default
        "",  # no more products
        "/v710?utm_source=vf&utm_medium=print&utm_campaign=spring-26",
        "print",
        "Q9",  # refused: no such product
        "v710",
        "",  # no more landing pages
    ]
    result = run(tmp_path, "--interactive", "-o", "spring.yaml", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "did you mean https://www.shop.example/" not in result.output  # no path was given
    assert "did you mean https://www.shop.example?" in result.output
    assert "give a number like 499.99" in result.output
    assert "no product 'Q9'" in result.output
    assert "Campaign name [spring]:" in result.output  # defaults are shown
    campaign = load(tmp_path / "spring.yaml")
    assert (campaign.name, campaign.id, campaign.site.phone) == (
        "spring",
        "spring-26",
        "+1 800 555 0100",
    )
    (product,) = campaign.products
    assert (product.model, product.aliases, product.price, product.currency) == (
        "V710",
        ["RAZR V710", "razr"],
        Decimal("499.99"),
        "USD",
    )
    (page,) = campaign.landing_pages
    assert (page.channel, page.products) == ("print", ["V710"])


def test_interactive_asks_before_replacing(tmp_path: Path) -> None:
    (tmp_path / "campaign.yaml").write_text("mine\n")
    result = run(tmp_path, "--interactive", "--site-url", SITE, input="n\n")
    assert result.exit_code == 2
    assert (tmp_path / "campaign.yaml").read_text() == "mine\n"


def test_a_drafted_manifest_checks_against_the_demo_store(tmp_path: Path) -> None:
    products = [p for p in DEFAULT_CATALOGUE.products if p.show_model][:2]
    rows = "".join(f"{p.model},{p.name},/products/{p.slug}\n" for p in products)
    (tmp_path / "products.csv").write_text("Model number,Product name,Product URL\n" + rows)
    with DemoStore() as store:
        result = run(tmp_path, "--products", "products.csv", "--site-url", store.url, "--no-input")
        assert result.exit_code == 0, result.output
        check = CliRunner().invoke(
            main, ["check", str(tmp_path / "campaign.yaml"), "-q", "--format", "json"]
        )
    assert check.exit_code in (0, 1), check.output  # checked, not refused (2) nor unreachable
    assert '"products": 2' in check.output or '"products":2' in check.output


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("www.shop.example/lp", "https://www.shop.example/lp"),
        ("shop.com/x?a=1", "https://shop.com/x?a=1"),
        ("phones/v710", None),
        ("razr-v710.html", None),
        ("/lp", None),
        ("https://shop.com", None),
        ("localhost:8080/x", None),
    ],
)
def test_missing_scheme(written: str, meant: str | None) -> None:
    assert missing_scheme(written) == meant


def test_the_schemas_limits_are_said_for_the_row(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(f"Model,Name,Aliases\nV710,{'n' * 301},a\nX1,X,{'a' * 301}\n")
    result = run(tmp_path, "--products", "p.csv", "--site-url", SITE, "--no-input")
    assert result.exit_code == 2
    assert "p.csv:2: name is 301 characters long; at most 300 are allowed" in result.output
    assert "p.csv:3: aliases is 301 characters long; at most 300 are allowed" in result.output
