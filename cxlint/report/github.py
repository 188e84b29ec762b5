"""GitHub Actions workflow commands: each finding annotates the manifest line that declared its
subject, in any repository, without code scanning.

    ::error file=campaign.yaml,line=12,col=5,title=CX104 tracking-dropped::A redirect loses…

Errors are `error`, warnings `warning`, info `notice`; acknowledged findings are left out (the
manifest's `ignore:` says the team accepts them). Values are escaped as GitHub's toolkit
escapes them (actions/toolkit, core/src/command.ts): `%`, CR and LF in the message, and also
`:` and `,` in properties, so that no text from a site can end a command or start another.
The last line is the verdict, as plain log text.
"""

from __future__ import annotations

from typing import Any

from cxlint.model import Finding, RunResult
from cxlint.report import summary
from cxlint.report.evidence import safe
from cxlint.report.paths import located, root_for

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, Any], message: str) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render(result: RunResult, *, repo_root: str | None = None, **_: Any) -> bytes:
    root = root_for(result.campaign.get("manifest"), repo_root)
    out = [_annotation(f, located(f.file, root)) for f in result.findings if not f.acknowledged]
    out.append(f"cxlint: {_plain(summary(result)['verdict'])}")
    return ("\n".join(out) + "\n").encode()


def _annotation(f: Finding, path: str) -> str:
    title = f"{f.code} {f.rule}" if f.code else f.rule
    # site text without terminal escapes; its line breaks are escaped below
    message = safe(f"{f.subject.label}: {f.message}").replace("\n", " ")
    message += f"\nFix: {safe(f.fix)}\nDocs: {f.help_uri}"
    if f.baseline == "new":
        message = "New since the baseline. " + message
    properties = {"file": path, "line": f.line, "col": f.column, "title": title}
    return command(COMMANDS.get(f.severity, "warning"), properties, message)


def _plain(text: str) -> str:
    """One log line that GitHub never reads as a command."""
    return " ".join(safe(text).split()).lstrip(":")
