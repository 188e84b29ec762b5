"""The bundled demo: a small store with the V710 failure planted, and the campaign to check."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CREATIVES = ("creatives/launch-email.html", "creatives/magazine-urls.txt")  # beside campaign.yaml


def campaign_text() -> str:
    """The bundled campaign manifest (campaign.yaml) as text, read from the installed package."""
    return files(__package__).joinpath("campaign.yaml").read_text(encoding="utf-8")


def campaign_path() -> str:
    """Where the bundled campaign.yaml is installed: its creatives resolve beside it."""
    return str(Path(str(files(__package__).joinpath("campaign.yaml"))))


def creative_texts() -> dict[str, str]:
    """The bundled creatives (path as the manifest writes it → text)."""
    return {
        name: files(__package__).joinpath(name).read_text(encoding="utf-8") for name in CREATIVES
    }
