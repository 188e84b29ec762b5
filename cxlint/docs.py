"""The catalogue rendered for people: `cxlint rules`, `cxlint explain` and docs/rules.md."""

from __future__ import annotations

import json

from cxlint.catalogue import OWNERS, Rule, RuleOption


def _ordered(catalogue: dict[str, Rule]) -> list[Rule]:
    return sorted(catalogue.values(), key=lambda r: (r.code or "", r.name))


def rule_dict(rule: Rule) -> dict[str, object]:
    return {
        "name": rule.name,
        "code": rule.code,
        "severity": rule.severity,
        "subject": list(rule.subjects),
        "owner": OWNERS[rule.owner],
        "summary": rule.summary,
        "why": rule.why,
        "fix": rule.fix,
        "example": rule.example,
        "options": {o.name: dict(o.schema) for o in rule.options.values()},  # JSON Schema
    }


def option_type(option: RuleOption) -> str:
    """An option's schema in a few words for the docs: "integer ≥ 1", "list of strings"."""
    schema = option.schema
    words = {"array": "list"}.get(option.type, option.type)
    if option.type == "array" and "type" in (schema.get("items") or {}):
        words += f" of {schema['items']['type']}s"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{words}, {low} to {high}"
    if low is not None:
        return f"{words} ≥ {low}"
    if high is not None:
        return f"{words} ≤ {high}"
    return words


def catalogue_json(catalogue: dict[str, Rule]) -> str:
    return json.dumps([rule_dict(r) for r in _ordered(catalogue)], indent=2) + "\n"


def catalogue_table(catalogue: dict[str, Rule]) -> str:
    rules = _ordered(catalogue)
    width = max(len(r.name) for r in rules)
    rows = [f"{'code':<6} {'rule':<{width}}  {'severity':<8} subject"]
    for r in rules:
        rows.append(f"{r.code or '':<6} {r.name:<{width}}  {r.severity:<8} {', '.join(r.subjects)}")
    rows.append("")
    rows.append("cxlint explain RULE shows a rule's documentation.")
    return "\n".join(rows) + "\n"


def rule_text(rule: Rule) -> str:
    lines = [
        rule.name + (f" ({rule.code})" if rule.code else ""),
        f"default severity: {rule.severity} · subject: {', '.join(rule.subjects)}",
        f"usually fixed by: {OWNERS[rule.owner]}",
        "",
    ]
    for title, body in (
        ("What it checks", rule.summary),
        ("Why it matters", rule.why),
        ("How to fix", rule.fix),
    ):
        lines += [title, "  " + body, ""]
    lines += ["Example", *("  " + line for line in rule.example.splitlines()), ""]
    if rule.options:
        lines.append("Options (set in the manifest's rules: map)")
        for o in rule.options.values():
            lines.append(f"  {o.name} ({option_type(o)}, default {o.default!r}): {o.description}")
        lines.append("")
    return "\n".join(lines)


def catalogue_markdown(catalogue: dict[str, Rule]) -> str:
    """The rule reference; docs/rules.md is this text, and a test keeps them equal."""
    out = [
        "# Rule reference",
        "",
        "Generated from `rules/` by `cxlint rules --format markdown`; do not edit by hand.",
        "",
        "| code | rule | severity | subject | what it checks |",
        "|---|---|---|---|---|",
    ]
    for r in _ordered(catalogue):
        out.append(
            f"| {r.code or ''} | [`{r.name}`](#{r.name}) | {r.severity} | "
            f"{', '.join(r.subjects)} | {r.summary} |"
        )
    for r in _ordered(catalogue):
        out += [
            "",
            f"## {r.name}",
            "",
            f"Code {r.code} · default severity **{r.severity}** · subject "
            f"{', '.join(r.subjects)} · usually fixed by: {OWNERS[r.owner]}",
            "",
            f"**What it checks.** {r.summary}",
            "",
            f"**Why it matters.** {r.why}",
            "",
            f"**How to fix.** {r.fix}",
            "",
            "**Example**",
            "",
            "```",
            r.example,
            "```",
        ]
        if r.options:
            out += [
                "",
                "**Options**",
                "",
                "| option | type | default | meaning |",
                "|---|---|---|---|",
            ]
            out += [
                f"| `{o.name}` | {option_type(o)} | `{json.dumps(o.default)}` | {o.description} |"
                for o in r.options.values()
            ]
    return "\n".join(out) + "\n"


_SUBJECT_TITLES = {
    "landing_page": "landing pages and links",
    "product": "products",
    "creative_link": "creatives",
    "site": "site",
}


def readme_table(catalogue: dict[str, Rule]) -> str:
    """README's table of rules by subject (between its `rules-table` markers; a test keeps
    them equal): a rule is listed under the first subject it checks."""
    rows = ["| subject | rules |", "|---|---|"]
    for subject, title in _SUBJECT_TITLES.items():
        names = [r.name for r in _ordered(catalogue) if r.subjects[0] == subject]
        rows.append(f"| {title} | {', '.join(f'`{n}`' for n in names)} |")
    return "\n".join(rows) + "\n"
