"""A lean install with honest metadata (issue 18, item 7): the licence file and expression,
valid trove classifiers, and phonenumberslite rather than phonenumbers."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from trove_classifiers import classifiers as KNOWN_CLASSIFIERS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (path,) = out.glob("cxlint-*.whl")
    return zipfile.ZipFile(path)


def metadata(wheel: zipfile.ZipFile) -> object:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return Parser().parsestr(wheel.read(name).decode())


def test_the_wheel_carries_the_mit_licence(wheel: zipfile.ZipFile) -> None:
    (licence,) = [n for n in wheel.namelist() if n.endswith("/LICENSE")]
    assert ".dist-info/" in licence
    text = wheel.read(licence).decode()
    assert text == (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert metadata(wheel)["License-Expression"] == "MIT"  # type: ignore[index]


def test_classifiers_are_known_and_need_no_licence_classifier(wheel: zipfile.ZipFile) -> None:
    found = metadata(wheel).get_all("Classifier")  # type: ignore[attr-defined]
    assert found and set(found) <= KNOWN_CLASSIFIERS, set(found) - KNOWN_CLASSIFIERS
    assert not [c for c in found if c.startswith("License ::")]  # PEP 639: the expression
    assert "Programming Language :: Python :: 3 :: Only" in found


def test_phone_numbers_come_from_the_lite_package(wheel: zipfile.ZipFile) -> None:
    """phonenumberslite has phonenumbers' API without its geocoder, carrier and time-zone
    data, which cxlint never reads."""
    requires = metadata(wheel).get_all("Requires-Dist")  # type: ignore[attr-defined]
    names = [r.split(";")[0].split(">")[0].split("=")[0].strip() for r in requires]
    assert "phonenumberslite" in names and "phonenumbers" not in names
