"""The manifest's JSON Schema, and its errors said the way a marketer would understand them.

The schema in `cxlint/schema/` is the same one editors use, so a manifest that passes there
passes here. jsonschema's own messages (a regular expression the value does not match) are
for developers: each error is turned into one sentence ("'price' must be a number, not text
'abc'") at the file:line:column of the key or value it is about, taken from the positions
`yaml_positions` kept. Only the first error (by rank, then position) is raised.

It knows nothing of the builder; `build` uses its wording helpers (`suggest`, `too_long`).
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING, Any

from cxlint.errors import UsageError
from cxlint.manifest.schema_check import Check, compile_schema
from cxlint.manifest.yaml_positions import JsonPath, Source, short

if TYPE_CHECKING:  # imported when a manifest is not valid: a twentieth of a second saved
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SEVERITY_VALUES = ("error", "warning", "info", "off")


@functools.cache
def manifest_schema() -> dict[str, Any]:
    """The manifest's JSON Schema (draft 2020-12), as shipped in `cxlint/schema/`."""
    text = resources.files("cxlint").joinpath("schema/manifest.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    # With its $refs inlined: looking one up per product (44,000 at 20,000 products) was a
    # third of the validation's time. The same checks, so the same errors.
    return Draft202012Validator(_inline_refs(manifest_schema()))


@functools.cache
def _valid() -> Check | None:
    """The compiled yes/no check (`schema_check`) of the same inlined schema."""
    return compile_schema(_inline_refs(manifest_schema()))


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each local `#/$defs/NAME` reference replaced by that definition (a
    reference back into a definition being inlined stays a reference, resolved as before)."""
    defs = schema.get("$defs", {})

    def inline(node: Any, within: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [inline(item, within) for item in node]
        if not isinstance(node, dict):
            return node
        node = {k: inline(v, within) if k != "$defs" else v for k, v in node.items()}
        name = str(node.get("$ref", "")).removeprefix("#/$defs/")
        if name not in defs or name in within:
            return node
        del node["$ref"]  # its siblings are annotations (description): kept beside the def
        return {**inline(defs[name], within | {name}), **node}

    inlined: dict[str, Any] = inline(schema, frozenset())
    return inlined


_LIST_NOUNS = {"products": "product", "landing_pages": "landing page", "creatives": "creative"}
_TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
}


def suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _container(path: JsonPath) -> str:
    """How to name the mapping at `path` after "in" ("in a landing page")."""
    if not path:
        return "the manifest"
    if len(path) == 2 and path[0] in _LIST_NOUNS:
        return f"a {_LIST_NOUNS[str(path[0])]}"
    if len(path) == 4 and path[2] == "ignore":
        return "an ignore entry"
    if len(path) == 2 and path[0] == "rules":
        return f"the settings of rule '{short(str(path[1]))}'"
    return "'" + ".".join(str(p) for p in path) + "'"


def _subject(path: JsonPath) -> str:
    """How to name the mapping at `path` as a sentence's subject ("landing page is ...")."""
    if len(path) == 2 and path[0] in _LIST_NOUNS:
        return _LIST_NOUNS[str(path[0])]
    if len(path) == 4 and path[2] == "ignore":
        return "ignore entry"
    return _container(path)


def _field(path: JsonPath) -> str:
    """How to name the value at `path` ("'price'", "rule 'x'", "each entry of 'aliases'")."""
    if not path:
        return "the manifest"
    last = path[-1]
    if isinstance(last, int):
        return f"each entry of '{path[-2]}'" if len(path) > 1 else "each entry"
    if len(path) == 2 and path[0] == "rules":
        return f"rule '{short(last)}'"
    if _is_header_value(path):
        return f"header '{short(last)}'"
    return f"'{short(last)}'"


def _is_header_value(path: JsonPath) -> bool:
    """site.headers.NAME or site.headers_for.ORIGIN.NAME: a credential, never echoed."""
    return (len(path) == 3 and path[:2] == ("site", "headers")) or (
        len(path) == 4 and path[:2] == ("site", "headers_for")
    )


def _is_staging_secret(path: JsonPath) -> bool:
    """site.staging's headers, cookies and basic_auth: credentials, never echoed."""
    return len(path) == 4 and path[:2] == ("site", "staging") and path[2] != "url"


def _describe(value: Any, raw: str | None) -> str:
    if isinstance(value, bool):
        return f"the value {short(raw or str(value).lower())}"
    if isinstance(value, int | float):
        return f"the number {short(raw or str(value))}"
    if isinstance(value, str):
        return f"text '{short(value)}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing"


def _expected(path: JsonPath, types: str | list[str]) -> str:
    if len(path) == 2 and path[0] == "rules":
        return "a severity (error, warning, info or off) or a mapping of options"
    if path[-1:] == ("price",):
        return "a number"
    if path == ("site", "search"):
        return "a search URL containing {query} or a mapping with 'url'"
    names = [types] if isinstance(types, str) else [t for t in types if t != "null"]
    return " or ".join(_TYPE_WORDS.get(t, t) for t in names)


def _schema_problem(err: ValidationError, src: Source) -> tuple[int, UsageError]:
    """A readable UsageError for one schema error, with a rank (lower is reported first)."""
    path: JsonPath = tuple(err.absolute_path)
    value, raw = err.instance, src.raw.get(path)
    name = _field(path)
    kind = err.validator

    if "propertyNames" in err.relative_schema_path:  # a bad header name (or origin)
        key = str(err.instance)
        if path == ("site", "headers_for"):
            message = _pattern_message((*path, key), key)
        else:
            message = f"'{short(key)}' is not a valid HTTP header name"
        return 0, UsageError(message, src.key_at((*path, key)))
    if kind == "additionalProperties":
        known = err.schema.get("properties", {})
        key = next((str(k) for k in value if k not in known), "")
        if key == "<<":
            message = "YAML merge keys (<<) are not supported; write the keys out"
        else:
            message = f"unknown key '{short(key)}' in {_container(path)}{suggest(key, known)}"
        return 0, UsageError(message, src.key_at((*path, key)))
    if kind == "required":
        missing = next((k for k in err.validator_value if k not in value), "?")
        # Reported after other errors: a missing key is usually a misspelt one.
        return 1, UsageError(f"{_subject(path)} is missing '{missing}'", src.at(path))
    location = src.at(path)
    if kind == "type":
        expected = _expected(path, err.validator_value)
        if value is None:  # `key:` with nothing after it: point at the key
            return 0, UsageError(f"{name} must be {expected}, but it is empty", src.key_at(path))
        if _is_header_value(path) or _is_staging_secret(path):  # a credential: never echo it
            return 0, UsageError(f"{name} must be text; put its value in quotes", location)
        message = f"{name} must be {expected}, not {_describe(value, raw)}"
        if expected.startswith("a string") and isinstance(value, int | float) and raw:
            message += f'; put it in quotes: "{short(raw)}"'
        return 0, UsageError(message, location)
    but = ", but it is empty" if value is None else f", not {_describe(value, raw)}"
    if kind == "const":
        return 0, UsageError(f"{name} must be {err.validator_value!r}{but}", location)
    if kind == "enum":  # the only enum is a rule's severity
        choices = ", ".join(SEVERITY_VALUES[:-1]) + f" or {SEVERITY_VALUES[-1]}"
        return 0, UsageError(f"{name} must be one of {choices}{but}", location)
    if kind in ("pattern", "minLength"):
        return 0, UsageError(_pattern_message(path, value), location)
    if kind == "minimum":
        return 0, UsageError(f"{name} must not be negative", location)
    if kind == "maxLength":  # never the value itself: it is huge, or it may be a credential
        return 0, UsageError(too_long(path, len(value), err.validator_value), location)
    return 0, UsageError(f"{name}: {err.message}", location)  # not expected with our schema


def _pattern_message(path: JsonPath, value: Any) -> str:
    last = path[-1] if path else ""
    text = short(str(value))
    if value == "":
        if last == "reason":
            return "'reason' must not be empty; say why the finding is acknowledged"
        return f"{_field(path)} must not be empty"
    if last == "price":
        return f"'price' must be a number, not text '{text}'"
    if last == "currency":
        return f"'currency' must be a three-letter currency code like USD, not '{text}'"
    if last == "launch":
        return f"'launch' must be a date written YYYY-MM-DD, not '{text}'"
    if last == "reason":
        return "'reason' must say why the finding is acknowledged"
    if path[:1] == ("site",) and "search" in path:
        return (
            "the search URL must contain {query} where the search words go, like /search?q={query}"
        )
    if _is_staging_secret(path) or path[:3] == ("site", "staging", "basic_auth"):
        cookie = " and without ;" if path[2] == "cookies" else ""
        colon = " and without :" if path[-1] == "user" else ""
        return f"{_field(path)} in 'site.staging' must be on a single line{cookie}{colon}"
    if path[:2] in (("site", "headers"), ("site", "headers_for")):
        if len(path) == 3 and path[1] == "headers_for":  # an origin, not a header
            return (
                f"'{short(str(last))}' in 'headers_for' must be an origin like "
                "https://api.example.com (scheme and host, no path)"
            )
        return f"header '{short(str(last))}' must be on a single line"
    return f"{_field(path)} has an unexpected form: '{text}'"


def too_long(path: JsonPath, length: int, limit: int, when: str = "") -> str:
    """A value over its schema's maxLength, named without being shown: "the product's 'name'
    is 10,000,000 characters long; at most 300 are allowed"."""
    if path[:2] in (("site", "headers"), ("site", "headers_for")) and len(path) > 2:
        what = f"header '{short(str(path[-1]))}'"
    elif path and isinstance(path[-1], int):
        what = f"entry {path[-1] + 1} of '{short(str(path[-2]))}'"
    elif len(path) == 3 and path[0] in _LIST_NOUNS:
        what = f"the {_LIST_NOUNS[str(path[0])]}'s '{short(str(path[2]))}'"
    elif len(path) == 5 and path[2] == "ignore":
        what = f"the ignore entry's '{short(str(path[4]))}'"
    else:
        what = "'" + short(".".join(str(p) for p in path)) + "'"
    return f"{what} is {length:,} characters long{when}; at most {limit:,} are allowed"


def validate(src: Source) -> None:
    """Raises the UsageError for the schema error to fix first (by rank, then position)."""
    check = _valid()
    if check is not None and check(src.data):  # jsonschema's walk only for its errors
        return
    problems = [_schema_problem(err, src) for err in _validator().iter_errors(src.data)]
    if problems:
        _rank, error = min(
            problems,
            key=lambda p: (p[0], p[1].location.line, p[1].location.column),  # type: ignore[union-attr]
        )
        raise error
