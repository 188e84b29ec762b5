"""Each rule's documented example (`example:` in rules/<rule>.yaml, shown by `cxlint explain`
and docs/rules.md) is real output: the finding cxlint reports on one of the rule's cases in
tests/rule_cases/, rendered as the terminal shows a finding. tests/test_rule_examples.py
fails when a rule's wording changes and its example was not regenerated:

    python -m tests.rule_examples --write    # then review the diff of rules/ and docs/

The case used is the one marked `example: true` in the rule's case file, else its first case
that expects a finding. The case's local server address is written as the shop's
(https://www.shop.example), so examples read as a real campaign's.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from cxlint.catalogue import load_catalogue
from cxlint.model import Finding
from cxlint.report.evidence import lines
from tests.rulecase import load_cases, run_case

RULES = Path(__file__).resolve().parents[1] / "rules"
SHOP = "https://www.shop.example"


def example_case(rule: str) -> dict[str, Any]:
    cases = [case for _, case in load_cases() if case["rule"] == rule]
    marked = [c for c in cases if c.get("example")]
    found = marked or [c for c in cases if c.get("expect")]
    if not found:
        raise LookupError(f"rule {rule} has no case that expects a finding")
    return copy.deepcopy(found[0])


def render(finding: Finding, origin: str) -> str:
    """A finding as the rule docs show it: severity, rule and subject, then the message,
    the evidence and the fix, each line as the terminal report writes it."""
    out = [f"{finding.severity}  {finding.rule}  {finding.subject.label}", f"  {finding.message}"]
    out += [f"  {line}" for line in lines(finding.evidence, origin)]
    out.append(f"  fix: {finding.fix}")
    return "\n".join(out)


def generate(server: HTTPServer, rules: list[str] | None = None) -> dict[str, str]:
    """rule name → its example, from running its example case against `server`."""
    examples = {}
    names = rules or sorted(load_catalogue())
    for rule in names:
        case = example_case(rule)
        server.clear()
        with tempfile.TemporaryDirectory(prefix="cxlint-example-") as work:
            result = run_case(server, case, Path(work))
        base = server.url_for("/").rstrip("/")
        finding = next(f for f in result.findings if f.rule == rule)
        text = render(finding, result.origin)
        text = text.replace(base, SHOP).replace(base.split("://", 1)[1], "www.shop.example")
        # the soft-404 probe's made-up address is drawn afresh for each origin
        text = re.sub(r"cxlint-[0-9a-f]{8}-no-such-page", "cxlint-5f3c9a2e-no-such-page", text)
        examples[rule] = text
    return examples


_EXAMPLE = re.compile(r"^example: \|\n(?:(?:  .*|)\n)*", re.M)


def written(rule: str) -> str:
    return load_catalogue()[rule].example


def rewrite(rule: str, example: str) -> bool:
    """Put `example` into rules/<rule>.yaml in place of its example; whether it changed."""
    path = RULES / f"{rule}.yaml"
    text = path.read_text()
    block = "example: |\n" + "".join(
        f"  {line}\n" if line else "\n" for line in example.splitlines()
    )
    new, count = _EXAMPLE.subn(lambda _: block, text, count=1)
    if count != 1:
        raise ValueError(f"{path}: no 'example: |' block")
    if new != text:
        path.write_text(new)
    return new != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite rules/*.yaml's examples")
    parser.add_argument("rules", nargs="*", help="only these rules")
    args = parser.parse_args(argv)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        examples = generate(server, args.rules or None)
    finally:
        server.stop()
    stale = [rule for rule, text in examples.items() if written(rule) != text]
    for rule in stale:
        if args.write:
            rewrite(rule, examples[rule])
            print(f"rewrote rules/{rule}.yaml's example")
        else:
            print(f"rules/{rule}.yaml: its example is not what cxlint reports now")
    if args.write and stale:
        print("now regenerate docs/rules.md: cxlint rules --format markdown > docs/rules.md")
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
