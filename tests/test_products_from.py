"""`products_from: products.csv`: a manifest's products kept in marketing's own sheet."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxlint.cli import main
from cxlint.errors import UsageError
from cxlint.manifest import load_manifest

MANIFEST = """\
version: 1
campaign: {name: Spring sale}
site: {url: "https://shop.example"}
products:
  - {id: v710, name: Motorola RAZR V710, model: V710}
products_from: sheets/products.csv
landing_pages:
  - url: /sale?utm_source=email
    products: [v710, E398, X1]
"""


def write(tmp_path: Path, rows: str, manifest: str = MANIFEST) -> Path:
    (tmp_path / "sheets").mkdir(exist_ok=True)
    (tmp_path / "sheets" / "products.csv").write_text("SKU,Product name,Price (EUR),URL\n" + rows)
    path = tmp_path / "campaign.yaml"
    path.write_text(manifest)
    return path


def test_sheet_products_join_the_manifests_and_point_at_their_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "E398,Motorola E398,99,/p/e398\nX1,Phone X1,,\n")
    campaign = load_manifest(path, env={}, base_url="http://127.0.0.1:9")
    assert [p.id for p in campaign.products] == ["v710", "E398", "X1"]
    e398 = campaign.products[1]
    assert (e398.name, e398.price, e398.currency) == ("Motorola E398", Decimal("99"), "EUR")
    assert e398.url == "http://127.0.0.1:9/p/e398"  # moved to --base-url like the manifest's
    sheet = str(tmp_path / "sheets" / "products.csv")
    assert (e398.location.file, e398.location.line) == (sheet, 2)
    assert campaign.products[2].location.line == 3


def test_a_bad_row_is_named_by_the_sheets_row(tmp_path: Path) -> None:
    path = write(tmp_path, "E398,Motorola E398,99,\n,,5,\nX1,Phone X1,cheap,\n")
    with pytest.raises(UsageError) as caught:
        load_manifest(path, env={})
    sheet = tmp_path / "sheets" / "products.csv"
    assert str(caught.value) == f"{sheet}:3: no model number and no name (and 1 more bad rows)"


def test_a_product_in_both_places(tmp_path: Path) -> None:
    path = write(tmp_path, "E398,Motorola E398,,\nv710,RAZR,,\n")
    with pytest.raises(UsageError) as caught:
        load_manifest(path, env={})
    assert str(caught.value).startswith(
        f"{tmp_path / 'sheets' / 'products.csv'}:3:1: product 'v710'"
    )
    assert "at line 5" in str(caught.value)


def test_a_missing_sheet_points_at_the_manifest_line(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text(MANIFEST)
    with pytest.raises(UsageError) as caught:
        load_manifest(path, env={})
    assert str(caught.value).startswith(
        f"{path}:6:16: products_from: file 'sheets/products.csv' not found"
    )


def test_check_exits_2_with_the_row(tmp_path: Path) -> None:
    write(tmp_path, ",,5,\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "campaign.yaml")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"cxlint: error: {tmp_path / 'sheets' / 'products.csv'}:2: no model number and no name"
    )


def test_no_report_overwrites_the_sheet(tmp_path: Path) -> None:
    write(tmp_path, "E398,Motorola E398,,\nX1,Phone X1,,\n")
    sheet = tmp_path / "sheets" / "products.csv"
    before = sheet.read_text()
    result = CliRunner().invoke(
        main, ["check", str(tmp_path / "campaign.yaml"), "--report", f"json:{sheet}"]
    )
    assert result.exit_code == 2
    assert "it is the products sheet this campaign reads" in result.output
    assert sheet.read_text() == before
