"""Reads a campaign manifest into a `Campaign`, or says exactly where and why it cannot.

A manifest is written by hand, often by someone who is not a developer, so every problem is
one plain sentence with the file, line and column of the offending key or value (exit 2 in
the CLI, never a traceback). Three steps keep that possible, one module each, each using
only the ones before it:

1. `yaml_positions` composes the YAML (safe loader only) into plain data while remembering
   where each key and value was written: a map from JSON path, like ("products", 0,
   "price"), to `Location`; `yaml_errors` says in words why broken YAML is broken.
2. `schema_errors` validates the data against the JSON Schema shipped in `cxlint/schema/`,
   the same one editors use, and rephrases the first error for people at its location.
3. `build` makes the dataclasses, with the checks a schema cannot express: product ids,
   `${VAR}` expansion (`variables`), URLs resolved against `site.url` (and moved to
   `--base-url`), creative files, rule names, and rule options (checked by the catalogue).

This module is the public API, and holds `MAX_BYTES` (tests lower it).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cxlint import urls
from cxlint.errors import UsageError
from cxlint.manifest.build import Builder
from cxlint.manifest.schema_errors import manifest_schema, validate
from cxlint.manifest.yaml_positions import SHEET_SUFFIXES, SPREADSHEET, parse, too_large
from cxlint.model import Campaign, Location

if TYPE_CHECKING:
    from cxlint.catalogue import Rule

__all__ = [
    "MAX_BYTES",
    "load_manifest",
    "load_manifest_text",
    "manifest_schema",
    "require_subjects",
]

MAX_BYTES = 50 * 1024 * 1024


def load_manifest_text(
    text: str | bytes,
    filename: str,
    *,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
    rules: Mapping[str, Rule | Collection[str]] | None = None,
    staging: bool = False,
) -> Campaign:
    """Parse and check a manifest's text; `filename` names it in errors and anchors creatives.

    `base_url` is the CLI's `--base-url`: every URL on site.url's origin moves to it.
    `env` supplies `${VAR}` values (default: the process environment). `rules` maps each
    known rule to its catalogue `Rule` (`load_catalogue()`); when given, unknown rules,
    unknown options and options of the wrong type are errors. A rule may map to just its
    option names instead, and then its options' values are not checked.
    Raises UsageError with the file, line and column of the first problem.
    """
    if base_url is not None and not urls.is_http_url(base_url):
        raise UsageError(
            "--base-url must be an absolute http(s) address like https://staging.example.com, "
            f"not '{urls.redact(base_url)}'"
        )
    # Reading makes some 300,000 objects and no garbage cycles: the collector's passes over
    # them were a fifth of the time (docs/performance.md, "Round 2: reading the manifest").
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(text, filename, base_url, os.environ if env is None else env, rules, staging)
    finally:
        if collecting:
            gc.enable()


def _load(
    text: str | bytes,
    filename: str,
    base_url: str | None,
    env: Mapping[str, str],
    rules: Mapping[str, Rule | Collection[str]] | None,
    staging: bool,
) -> Campaign:
    src = parse(text, filename, MAX_BYTES)
    validate(src)
    builder = Builder(src, base_url=base_url, env=env, known_rules=rules, staging=staging)
    if staging and base_url is not None:
        raise UsageError("give --staging or --base-url, not both")
    if base_url is not None:
        password = urlsplit(base_url).password
        if password:
            builder.secret(password)
    # Not rebuilt from a pickled copy any more: that packed the campaign together once the
    # reader's place for every value was freed, and the reader no longer makes them (a forked
    # --jobs process copies 1.7 MB more without it, for 0.25 s less; docs/performance.md,
    # "Round 2: reading the manifest").
    return builder.build()


def require_subjects(campaign: Campaign) -> None:
    """`cxlint check` of a manifest that names nothing to check is a mistake, not a pass.
    (The loader itself accepts it: a site-only manifest is a valid start.)"""
    if not (campaign.products or campaign.landing_pages or campaign.creatives):
        raise UsageError(
            "nothing to check: add products or landing_pages",
            campaign.location or Location(campaign.path, 1, 1),
        )


def load_manifest(
    path: str | os.PathLike[str],
    *,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
    rules: Mapping[str, Rule | Collection[str]] | None = None,
    staging: bool = False,
) -> Campaign:
    """Read the manifest file at `path` (see `load_manifest_text`)."""
    name = os.fspath(path)
    file = Path(name)
    if not file.exists():
        raise UsageError(f"manifest not found: {name}")
    if file.suffix.lower() in SHEET_SUFFIXES:
        raise UsageError(SPREADSHEET.format(name=name))
    if file.is_dir():
        raise UsageError(f"the manifest is a folder, not a file: {name}")
    try:
        if file.stat().st_size > MAX_BYTES:
            raise UsageError(too_large(MAX_BYTES), Location(name, 1, 1))
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read manifest {name}: {exc.strerror or exc}") from None
    return load_manifest_text(data, name, base_url=base_url, env=env, rules=rules, staging=staging)
