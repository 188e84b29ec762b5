"""Runs one rule case of tests/rule_cases/: a small site served for real on 127.0.0.1,
a manifest fragment, and the findings expected (or none)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Response as WResponse

from cxlint import api
from cxlint.catalogue import load_catalogue
from cxlint.fetch import FetchOptions
from cxlint.manifest import load_manifest
from cxlint.model import RunResult

CASES = Path(__file__).parent / "rule_cases"
HOME = "<html><head><title>Home</title></head><body><h1>Welcome</h1><p>Our shop.</p></body></html>"


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        # <rule>.yaml, or <rule>.<topic>.yaml for more cases of the rule (<rule>.unicode.yaml)
        rule = path.stem.split(".")[0]
        assert data["rule"] == rule, f"{path.name}: rule must equal the file name"
        for case in data["cases"]:
            case.setdefault("rule", data["rule"])
            cases.append((f"{path.stem}: {case['name']}", case))
    return cases


def render_page(spec: dict[str, Any]) -> str:
    """A small HTML page from a readable spec: title, h1, text, jsonld, head, body."""
    head = f"<title>{spec.get('title', '')}</title>{spec.get('head', '')}"
    for block in spec.get("jsonld", []):
        head += f'<script type="application/ld+json">{json.dumps(block)}</script>'
    h1 = f"<h1>{spec['h1']}</h1>" if "h1" in spec else ""
    body = f"<p>{spec['text']}</p>" if "text" in spec else ""
    extra = spec.get("body", "")
    return f"<!doctype html><html><head>{head}</head><body>{h1}{body}{extra}</body></html>"


def serve(server: HTTPServer, site: dict[str, Any]) -> None:
    server.no_handler_status_code = 404  # unknown paths answer like a real site
    site = dict(site)
    site.setdefault("/", {"body": HOME})
    site.setdefault("/robots.txt", {"status": 404, "body": "not found"})
    # specific queries ("/search?q=V710") before the catch-all path: first match wins
    for key, spec in sorted(site.items(), key=lambda kv: "?" not in kv[0]):
        path, _, query = key.partition("?")
        spec = spec or {}
        body = spec.get("body")
        if body is None:
            body = render_page(spec.get("page", {}))
        if spec.get("gzip"):  # a .xml.gz file: served compressed, not Content-Encoding
            body = gzip.compress(body.encode())
        headers = dict(spec.get("headers", {}))
        content_type = spec.get("content_type", "text/html; charset=utf-8")
        response = WResponse(
            body, status=spec.get("status", 200), headers=headers, content_type=content_type
        )
        server.expect_request(
            path, query_string=dict(parse_qsl(query)) if query else None
        ).respond_with_response(response)


def run_case(server: HTTPServer, case: dict[str, Any], tmp_path: Path) -> RunResult:
    base = server.url_for("/").rstrip("/")
    # {base} (the server's URL) may appear anywhere: pages, sitemaps, creatives, expectations
    case.update(json.loads(json.dumps(case).replace("{base}", base)))
    serve(server, case.get("site", {}))
    for name, text in (case.get("files") or {}).items():  # creatives, beside the manifest
        (tmp_path / name).write_text(text)
    fragment = json.loads(json.dumps(case.get("manifest", {})).replace("{base}", base))
    manifest: dict[str, Any] = {
        "version": 1,
        "campaign": {"name": case["name"], "id": "case"},
        "site": {"url": base},
    }
    manifest["site"].update(fragment.pop("site", {}))
    manifest.update(fragment)
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
    # a site rule's case may have no subject but the site: no require_subjects here
    campaign = load_manifest(str(path), rules=load_catalogue())
    fetch = FetchOptions(retries=0, timeout=5, backoff=0.01)
    return api.run(
        campaign, api.options(campaign, fetch), select=[case["rule"], *case.get("with", [])]
    )


def subject_name(subject: Any) -> str:
    return subject.id or subject.url or subject.file or subject.type
