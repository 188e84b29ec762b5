"""The bundled demo: a small store with the V710 failure planted, and the campaign to check."""

from __future__ import annotations

from importlib.resources import files


def campaign_text() -> str:
    """The bundled campaign manifest (campaign.yaml) as text, read from the installed package."""
    return files(__package__).joinpath("campaign.yaml").read_text(encoding="utf-8")
