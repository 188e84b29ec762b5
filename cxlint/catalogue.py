"""The rule catalogue: one YAML file per rule in rules/, the single source of truth for a
rule's name, default severity, options and documentation.

The engine applies the catalogue and the manifest's overrides; rules never see their level.
A manifest's options for a rule are checked here too (`Rule.option_problems`), against the
rule file's `options:`, so the manifest loader reports them where they are written.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from cxlint.errors import UsageError

SUBJECT_TYPES = ("landing_page", "product", "creative_link", "site")
# Who usually fixes what a rule finds (a rule's `owner:`), in the order reports group them.
OWNERS = {
    "campaign": "the campaign (its manifest, links and creatives)",
    "redirects": "redirects and links",
    "content": "site content",
    "search": "site search",
    "seo": "SEO and feeds",
}
# libyaml's safe loader where PyYAML has it: reading the 26 rule files with the pure-Python
# one took most of `cxlint validate`'s time
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REQUIRED = ("name", "severity", "subject", "owner", "summary", "why", "fix", "example")
_ALLOWED = {*_REQUIRED, "code", "options"}
_OPTION_TYPES = {
    "integer": int,
    "number": (int, float),
    "string": str,
    "boolean": bool,
    "list": list,
}


@dataclass(frozen=True)
class RuleOption:
    name: str
    type: str
    default: Any
    description: str


class OptionProblem(NamedTuple):
    """Why one option in a manifest's settings for a rule is wrong."""

    option: str  # the key as written
    message: str
    unknown: bool  # the rule has no such option (else its value does not fit)


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    subjects: tuple[str, ...]
    summary: str
    why: str
    fix: str
    example: str
    code: str | None = None
    options: dict[str, RuleOption] = field(default_factory=dict)
    owner: str = "content"  # a key of OWNERS

    def defaults(self) -> dict[str, Any]:
        return {name: opt.default for name, opt in self.options.items()}

    def check_option(self, name: str, value: Any) -> str | None:
        """Why `value` does not fit option `name`, or None when it does."""
        option = self.options[name]
        expected = _OPTION_TYPES[option.type]
        if isinstance(value, bool) and option.type in ("integer", "number"):
            return f"option '{name}' of rule {self.name} must be a {option.type}"
        if not isinstance(value, expected):
            return f"option '{name}' of rule {self.name} must be a {option.type}"
        return None

    def option_problems(self, values: Mapping[str, Any]) -> list[OptionProblem]:
        """What is wrong with `values` as this rule's options (a manifest's settings for it,
        without `severity`): each option it does not take, with a did-you-mean, and each
        value that does not fit its option's declared type. Empty when all is well."""
        problems = unknown_options(self.name, values, self.options)
        for name, value in values.items():
            problem = self.check_option(name, value) if name in self.options else None
            if problem:
                problems.append(OptionProblem(name, problem, unknown=False))
        return problems


def unknown_options(rule: str, names: Iterable[str], known: Collection[str]) -> list[OptionProblem]:
    """The options in `names` that rule `rule`, taking only `known`, does not have, each with
    a did-you-mean or the list of what it takes ("rule 'slow-page' has no option 'max_secs';
    did you mean 'max_seconds'?")."""
    problems = []
    for name in names:
        if name in known:
            continue
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
        if close:
            hint = f"; did you mean '{close[0]}'?"
        elif known:
            hint = f"; its options are {', '.join(sorted(known))}"
        else:
            hint = " (it only takes 'severity')"
        message = f"rule '{_shown(rule)}' has no option '{_shown(name)}'{hint}"
        problems.append(OptionProblem(name, message, unknown=True))
    return problems


def _shown(text: str, limit: int = 60) -> str:
    """`text` as written in a manifest, fit for a one-line message (as the manifest loader
    shows values): control characters escaped, long text cut."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rules_dir() -> Path:
    """rules/ inside the installed wheel, or beside the package in a source checkout."""
    packaged = resources.files("cxlint") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


@functools.cache
def load_catalogue(directory: str | None = None) -> dict[str, Rule]:
    """All rules by name, sorted. Raises UsageError naming the file of a bad rule."""
    folder = Path(directory) if directory else rules_dir()
    rules: dict[str, Rule] = {}
    for path in sorted(folder.glob("*.yaml")):
        rule = _load_rule(path)
        rules[rule.name] = rule
    if not rules:
        raise UsageError(f"no rule files found in {folder}")
    return rules


def _load_rule(path: Path) -> Rule:
    def bad(message: str) -> UsageError:
        return UsageError(f"rule file {path.name}: {message}")

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise bad(f"cannot be read ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise bad("must be a mapping")
    missing = [k for k in _REQUIRED if not data.get(k)]
    if missing:
        raise bad(f"missing field {', '.join(missing)}")
    unknown = sorted(set(data) - _ALLOWED)
    if unknown:
        raise bad(f"unknown field {', '.join(unknown)}")
    if data["name"] != path.stem:
        raise bad(f"name '{data['name']}' differs from the file name")
    if data["severity"] not in ("error", "warning", "info"):
        raise bad(f"severity must be error, warning or info, not {data['severity']!r}")
    if data["owner"] not in OWNERS:
        raise bad(f"owner must be one of {', '.join(OWNERS)}, not {data['owner']!r}")
    subjects = data["subject"] if isinstance(data["subject"], list) else [data["subject"]]
    if not subjects or any(s not in SUBJECT_TYPES for s in subjects):
        raise bad(f"subject must be one of {', '.join(SUBJECT_TYPES)}")
    options: dict[str, RuleOption] = {}
    for name, spec in (data.get("options") or {}).items():
        if not isinstance(spec, dict) or set(spec) != {"type", "default", "description"}:
            raise bad(f"option '{name}' needs exactly type, default and description")
        if spec["type"] not in _OPTION_TYPES:
            raise bad(f"option '{name}' has unknown type {spec['type']!r}")
        options[name] = RuleOption(name, spec["type"], spec["default"], spec["description"])
    return Rule(
        name=data["name"],
        code=data.get("code"),
        severity=data["severity"],
        subjects=tuple(subjects),
        summary=str(data["summary"]).strip(),
        why=str(data["why"]).strip(),
        fix=str(data["fix"]).strip(),
        example=str(data["example"]).rstrip(),
        options=options,
        owner=data["owner"],
    )
