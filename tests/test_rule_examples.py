"""`cxlint explain`'s examples are cxlint's real output (issue 17, item 6): each rule's
`example:` is what the rule reports on its example case, rendered as the terminal does
(tests/rule_examples.py). A rule whose wording changed without its example fails here."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from cxlint.catalogue import load_catalogue
from tests import rule_examples


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        return rule_examples.generate(server)
    finally:
        server.stop()


@pytest.mark.parametrize("rule", sorted(load_catalogue()))
def test_the_documented_example_is_real_output(generated: dict[str, str], rule: str) -> None:
    assert rule_examples.written(rule) == generated[rule], (
        f"rules/{rule}.yaml's example is not what cxlint reports now: run "
        "`python -m tests.rule_examples --write`, review the diff, and regenerate docs/rules.md"
    )


def test_the_example_shows_message_evidence_and_fix(generated: dict[str, str]) -> None:
    for rule, text in generated.items():
        head, message, *rest = text.splitlines()
        assert head.split("  ")[1] == rule and head.split("  ")[0] in ("error", "warning", "info")
        assert message.startswith("  ") and message.strip().endswith((".", "?"))
        assert rest[-1].startswith("  fix: ")
        assert "127.0.0.1" not in text  # the case's server reads as the shop's address
