"""The rule catalogue: one YAML file per rule in rules/, the single source of truth for a
rule's name, default severity, options and documentation.

The engine applies the catalogue and the manifest's overrides; rules never see their level.
Each option is declared in the rule file as a JSON Schema fragment (its `type`, and where it
helps `minimum`, `items`, `pattern`..., with its `default` and `description`). A manifest's
options for a rule are checked here and only here (`Rule.option_problems`), against those
fragments, so the manifest loader reports them where they are written, in words.
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
# An option's fragment: these three always (its JSON type, its value when the manifest says
# nothing, what it means); any other JSON Schema keyword of a value may join them.
OPTION_REQUIRED = ("type", "default", "description")
# The types an option may have, as a marketer reads them in an error or the docs
TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
}


@dataclass(frozen=True)
class RuleOption:
    name: str
    schema: Mapping[str, Any]  # the JSON Schema fragment, as the rule file writes it
    description: str

    @property
    def type(self) -> str:
        """Its JSON type: integer, number, string, boolean or array."""
        return str(self.schema["type"])

    @property
    def default(self) -> Any:
        return self.schema["default"]

    def problem(self, rule: str, value: Any) -> str | None:
        """Why `value` does not fit this option of `rule`, in a sentence; None when it does."""
        for error in _validator_class()(dict(self.schema)).iter_errors(value):
            return _said(f"option '{self.name}' of rule {rule}", error, self.schema)
        return None


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
        return self.options[name].problem(self.name, value)

    def option_problems(self, values: Mapping[str, Any]) -> list[OptionProblem]:
        """What is wrong with `values` as this rule's options (a manifest's settings for it,
        without `severity`): each option it does not take, with a did-you-mean, and each
        value its option's schema refuses. Empty when all is well."""
        problems = unknown_options(self.name, values, self.options)
        for name, value in values.items():
            problem = self.check_option(name, value) if name in self.options else None
            if problem:
                problems.append(OptionProblem(name, problem, unknown=False))
        return problems


@functools.cache
def _validator_class() -> Any:
    """jsonschema's 2020-12 validator, read when a manifest first sets an option (most runs
    set none), where an integer is a whole number as YAML writes it (3, not 3.0) and never
    true or false."""
    from jsonschema import Draft202012Validator, validators

    checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    )
    return validators.extend(Draft202012Validator, type_checker=checker)


def _said(what: str, error: Any, schema: Mapping[str, Any]) -> str:
    """One jsonschema error as a sentence a marketer reads ("option 'tolerance' of rule
    price-mismatch must be a number"); its own wording is for developers."""
    keyword, limit = error.validator, error.validator_value
    if error.absolute_path:  # an entry of a list
        items = schema.get("items") or {}
        kind = TYPE_WORDS.get(str(items.get("type")), "valid").removeprefix("a ")
        if keyword == "type":
            return f"{what} must be a list of {kind}s; entry {error.absolute_path[0] + 1} is not"
        what = f"entry {error.absolute_path[0] + 1} of {what}"
    if keyword == "type":
        return f"{what} must be {TYPE_WORDS.get(str(limit), str(limit))}"
    if keyword == "minimum":
        return f"{what} must be at least {limit}"
    if keyword == "maximum":
        return f"{what} must be at most {limit}"
    if keyword == "exclusiveMinimum":
        return f"{what} must be more than {limit}"
    if keyword == "enum":
        return f"{what} must be one of {', '.join(str(v) for v in limit)}"
    if keyword in ("minLength", "minItems") and limit == 1:
        return f"{what} must not be empty"
    examples = schema.get("examples") or (schema.get("items") or {}).get("examples")
    if keyword == "pattern" and examples:
        like = ", ".join(str(e) for e in examples[:-1]) + f" or {examples[-1]}"
        return f"{what} must be written like {like}, not '{_shown(str(error.instance))}'"
    return f"{what} does not fit: {schema.get('description', '')}".rstrip(": ")


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
        if not isinstance(spec, dict) or not set(OPTION_REQUIRED) <= set(spec):
            raise bad(f"option '{name}' needs at least type, default and description")
        if spec["type"] not in TYPE_WORDS:
            raise bad(
                f"option '{name}' has type {spec['type']!r}, not one of {', '.join(TYPE_WORDS)}"
            )
        options[name] = RuleOption(name, spec, str(spec["description"]).strip())
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
