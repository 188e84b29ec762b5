"""Reads a campaign manifest into a `Campaign`, or says exactly where and why it cannot.

A manifest is written by hand, often by someone who is not a developer, so every problem is
one plain sentence with the file, line and column of the offending key or value (exit 2 in
the CLI, never a traceback). Three steps keep that possible:

1. YAML is composed (safe loader only) into plain data while remembering where each key and
   value was written: a map from JSON path, like ("products", 0, "price"), to `Location`.
2. The data is validated against the JSON Schema shipped in `cxlint/schema/`, the same one
   editors use, and the first error is rephrased for people at its path's location.
3. Dataclasses are built, with the checks a schema cannot express: product ids, `${VAR}`
   expansion, URLs resolved against `site.url` (and moved to `--base-url`), creative files,
   rule names and options.
"""

from __future__ import annotations

import base64
import difflib
import functools
import json
import math
import os
import pickle
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from cxlint import urls
from cxlint.errors import UsageError
from cxlint.model import (
    Campaign,
    Creative,
    Ignore,
    LandingPage,
    Location,
    Product,
    RuleSetting,
    SearchConfig,
    Site,
)

__all__ = ["MAX_BYTES", "load_manifest", "load_manifest_text", "manifest_schema"]

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 64  # far deeper than any manifest; keeps hostile input from exhausting the stack
# The schema bounds each value as written (maxLength); a ${VAR} can make it longer, up to what
# the environment holds. Expanded, no value may pass the longest bound of all (URLs, headers).
MAX_EXPANDED = 8192
SEVERITY_VALUES = ("error", "warning", "info", "off")

JsonPath = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_TEXT_TAGS = {_STR, _TAG + "timestamp", _TAG + "merge", _TAG + "value"}  # kept as written
_MAP, _SEQ = _TAG + "map", _TAG + "seq"


# --- Step 1: YAML → plain data with positions ---------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only `true`/`false` are booleans, so
    `redirect-chain: off` means the string "off" (and a country code `NO` stays text).

    Only its parser (events) and resolver are used: `_Converter` builds the data from the
    events itself, which is how aliases to collections are refused where they are written
    and why 100,000 products load in seconds, not minutes.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

if yaml.__with_libyaml__:  # the same, with libyaml's parser: ten times faster

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[misc, name-defined]
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    _LOADER: type = _FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADER = _Loader


def _mark_location(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def _offset_location(file: str, text: str, offset: int) -> Location:
    head = text[:offset]
    return Location(file, head.count("\n") + 1, offset - (head.rfind("\n") + 1) + 1)


@dataclass
class _Source:
    """The manifest as plain data, with where each value and key was written."""

    file: str
    data: dict[str, Any]
    values: dict[JsonPath, Location] = field(default_factory=dict)
    keys: dict[JsonPath, Location] = field(default_factory=dict)
    raw: dict[JsonPath, str] = field(default_factory=dict)  # scalars' text as written

    def at(self, path: Iterable[str | int]) -> Location:
        """Where the value at `path` was written (or its nearest written parent)."""
        path = tuple(path)
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Location(self.file, 1, 1))

    def key_at(self, path: Iterable[str | int]) -> Location:
        """Where the key naming `path` was written (the value's place when it has no key)."""
        path = tuple(path)
        return self.keys.get(path) or self.at(path)


def _decode(data: bytes, file: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageError("the manifest is saved as UTF-16; save it as UTF-8", Location(file, 1, 1))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line_start = head.rfind(b"\n") + 1
        column = len(head[line_start:].decode("utf-8")) + 1
        raise UsageError(
            f"the manifest is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            Location(file, head.count(b"\n") + 1, column),
        ) from None


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or exc.context or "the YAML cannot be read"
    if exc.context and problem.startswith("but "):  # "expected X" + "but found Y"
        return f"invalid YAML: {exc.context}, {problem}"
    message = f"invalid YAML: {problem}"
    mark, context_mark = exc.problem_mark, exc.context_mark
    if exc.problem and exc.context and context_mark is not None:
        if mark is not None and context_mark.line != mark.line:
            message += f" ({exc.context} at line {context_mark.line + 1})"
        else:
            message += f" ({exc.context})"
    if "flow" in (exc.context or "") and "but found" not in problem:
        # PyYAML ends plain text at ? , [ ] { } inside braces: `{url: /v710?utm_source=x}`
        message += "; inside { } or [ ], quote values that contain ? , : or #"
    return message


def _parse(text: str | bytes, file: str) -> _Source:
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise UsageError(
            f"the manifest is larger than {MAX_BYTES // (1024 * 1024)} MB", Location(file, 1, 1)
        )
    if isinstance(text, bytes):
        text = _decode(text, file)
    text = text.removeprefix("\ufeff")
    try:
        return _read(text, file, _LOADER)
    except yaml.YAMLError as exc:
        if _LOADER is _Loader or size > _RETRY_BYTES:
            raise _yaml_error(exc, text, file, _LOADER) from None
    # libyaml found the manifest broken; PyYAML's own parser says how in clearer words
    # ("expected ',' or '}', but got ':'"), so it reads it again, if it is not huge.
    try:
        return _read(text, file, _Loader)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, file, _Loader) from None


_SHEET_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
_SPREADSHEET = (
    "this looks like a spreadsheet, not a manifest: run `cxlint init --products {name}` "
    "to draft a manifest from it"
)
_RETRY_BYTES = 1_000_000  # the pure-Python parser takes about a second per megabyte


def _read(text: str, file: str, loader_class: type) -> _Source:
    """The manifest's data and positions; raises yaml.YAMLError for broken YAML."""
    loader = loader_class(text)
    try:
        converter = _Converter(file, loader)
        root = converter.start()
        if root is None:
            raise UsageError(
                "the manifest is empty; start it with 'version: 1'", Location(file, 1, 1)
            )
        if not isinstance(root, yaml.MappingStartEvent):
            first_line = text.lstrip().split("\n", 1)[0]
            if isinstance(root, yaml.ScalarEvent) and re.search(
                r"[^,;\t]+([,;\t])[^,;\t]+\1", first_line
            ):
                raise UsageError(_SPREADSHEET.format(name=file), Location(file, 1, 1))
            kind = "a list" if isinstance(root, yaml.SequenceStartEvent) else "a single value"
            raise UsageError(
                f"the manifest must be a mapping of keys like 'version:' and 'site:', not {kind}",
                _mark_location(file, root.start_mark),
            )
        data = converter.convert((), 0)
        converter.finish()
    finally:
        loader.dispose()
    return _Source(file, data, converter.values, converter.keys, converter.raw)


def _yaml_error(exc: yaml.YAMLError, text: str, file: str, loader_class: type) -> UsageError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        location = _mark_location(file, mark) if mark is not None else Location(file, 1, 1)
        layout = _layout_problem(text, file, mark.line) if mark is not None else None
        return layout or UsageError(_yaml_message(exc), location)
    if isinstance(exc, yaml.reader.ReaderError):
        position = exc.position
        if loader_class is not _Loader:  # libyaml counts bytes of UTF-8, not characters
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return UsageError(
            f"the manifest contains a character YAML does not allow (#x{character:04x})",
            _offset_location(file, text, position),
        )
    return UsageError(f"invalid YAML: {exc}", Location(file, 1, 1))  # no position given


def _layout_problem(text: str, file: str, index: int) -> UsageError | None:
    """The usual cause of broken YAML said in words: a tab, or a line indented to no level
    of the lines above it ("this line is indented 3 spaces but the list above uses 2")."""
    lines = text.split("\n")
    if index >= len(lines):
        return None
    line = lines[index]
    content = line.lstrip(" \t")
    lead = line[: len(line) - len(content)]
    if "\t" in lead:
        column = lead.index("\t") + 1
        return UsageError(
            f"a tab at line {index + 1}:{column}: indent with spaces, not tabs",
            Location(file, index + 1, column),
        )
    if not content or content.startswith("#"):
        return None
    levels: dict[int, str] = {}  # indent of each line this one could line up with → its kind
    bound: int | None = None  # above the nearest line, only less indented lines are parents
    for above in reversed(lines[:index]):
        stripped = above.lstrip(" ")
        indent = len(above) - len(stripped)
        if not stripped.strip() or stripped.startswith(("#", "---")) or stripped[0] == "\t":
            continue
        if bound is not None and indent >= bound:
            continue
        dash = re.match(r"-( +)(?=\S)", stripped)
        levels.setdefault(indent, "list" if dash else "keys")
        if dash:  # "  - name: a": the entry's own keys line up after the dash
            levels.setdefault(indent + 1 + len(dash.group(1)), "entry")
        bound = indent
        if indent == 0:
            break
    n = len(lead)
    if not levels or n in levels:
        return None
    distance = min(abs(level - n) for level in levels)
    near = sorted(level for level in levels if abs(level - n) == distance)
    if len(near) > 1:  # a list item lines up with a list; a key with keys
        is_item = content.startswith("- ") or content == "-"
        alike = [level for level in near if (levels[level] == "list") == is_item]
        near = alike if len(alike) == 1 else near
    if len(near) > 1:
        above_text = f"the lines above are at {near[0]} or {near[1]} spaces"
    else:
        kind, level = levels[near[0]], near[0]
        above_text = {
            "list": f"the list above uses {level}",
            "keys": f"the keys above use {level}",
            "entry": f"the entry above has its keys at {level}",
        }[kind]
    return UsageError(
        f"this line is indented {n} space{'s' * (n != 1)} but {above_text}",
        Location(file, index + 1, n + 1),
    )


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


class _Converter:
    """Builds dicts, lists and scalars straight from the parser's events, recording where
    each value and key was written.

    No node graph is composed: an alias to a mapping or list (how "billion laughs" documents
    explode; a manifest never needs one) is refused at the alias itself, and an alias to a
    scalar is just its value again.
    """

    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.values: dict[JsonPath, Location] = {}
        self.keys: dict[JsonPath, Location] = {}
        self.raw: dict[JsonPath, str] = {}
        self.anchors: dict[str, tuple[yaml.ScalarNode, Any] | Location] = {}

    def _error(self, message: str, item: Any) -> UsageError:
        return UsageError(message, _mark_location(self.file, item.start_mark))

    def _bad_tag(self, item: Any, tag: str) -> UsageError:
        return self._error(
            f"the YAML tag '{_short(_show_tag(tag))}' is not allowed in a manifest; "
            "write plain text, numbers, lists and mappings",
            item,
        )

    # the stream: exactly one document ---------------------------------------------------------

    def start(self) -> Any:
        """The event that starts the document's root, or None for an empty stream."""
        self.loader.get_event()  # StreamStart
        if self.loader.check_event(yaml.StreamEndEvent):
            return None
        self.loader.get_event()  # DocumentStart
        return self.loader.peek_event()

    def finish(self) -> None:
        self.loader.get_event()  # DocumentEnd
        if not self.loader.check_event(yaml.StreamEndEvent):
            extra = self.loader.peek_event()
            raise self._error(
                "invalid YAML: expected a single document in the stream, but found another "
                "document; a manifest is one document, remove the second '---'",
                extra,
            )

    # values -----------------------------------------------------------------------------------

    def _anchor(self, event: Any, value: tuple[yaml.ScalarNode, Any] | Location) -> None:
        if event.anchor is None:
            return
        first = self.anchors.get(event.anchor)
        if first is not None:
            line = first.line if isinstance(first, Location) else first[0].start_mark.line + 1
            raise self._error(
                f"invalid YAML: the anchor '&{_short(event.anchor)}' is defined twice "
                f"(first at line {line})",
                event,
            )
        self.anchors[event.anchor] = value

    def _alias(self, event: Any) -> tuple[yaml.ScalarNode, Any]:
        target = self.anchors.get(event.anchor)
        if target is None:
            raise self._error(
                f"invalid YAML: found undefined alias '{_short(event.anchor)}'", event
            )
        if isinstance(target, Location):
            raise self._error(
                f"the YAML alias '*{_short(event.anchor)}' repeats a mapping or list, which "
                "manifests do not allow; write the entries out",
                event,
            )
        return target

    def convert(self, path: JsonPath, depth: int) -> Any:
        event = self.loader.get_event()
        if depth > MAX_DEPTH:
            raise self._error("the manifest is nested too deeply", event)
        self.values[path] = _mark_location(self.file, event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            node, value = self._alias(event)
            self.raw[path] = node.value
            return value
        if isinstance(event, yaml.ScalarEvent):
            node = self._node(event)
            value = self._scalar(node)
            self._anchor(event, (node, value))
            self.raw[path] = node.value
            return value
        if isinstance(event, yaml.SequenceStartEvent):
            self._collection_tag(event, yaml.SequenceNode, _SEQ)
            self._anchor(event, self.values[path])
            items = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                items.append(self.convert((*path, len(items)), depth + 1))
            self.loader.get_event()
            return items
        assert isinstance(event, yaml.MappingStartEvent), event
        self._collection_tag(event, yaml.MappingNode, _MAP)
        self._anchor(event, self.values[path])
        result: dict[str, Any] = {}
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_event = self.loader.peek_event()
            key = self._key()
            if key in result:
                first = self.keys[(*path, key)]
                raise self._error(
                    f"duplicate key '{_short(key)}' (first at line {first.line})", key_event
                )
            child = (*path, key)  # one tuple for both maps: 20,000 products make 300,000
            self.keys[child] = _mark_location(self.file, key_event.start_mark)
            result[key] = self.convert(child, depth + 1)
        self.loader.get_event()
        return result

    def _collection_tag(self, event: Any, kind: type, expected: str) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(kind, None, event.implicit)
        if tag != expected:
            raise self._bad_tag(event, tag)

    def _node(self, event: Any) -> yaml.ScalarNode:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)

    def _key(self) -> str:
        event = self.loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            return str(self._alias(event)[0].value)
        if not isinstance(event, yaml.ScalarEvent):
            raise self._error("a key must be plain text, not a list or mapping", event)
        node = self._node(event)
        value = self._scalar(node)  # rejects tags such as !!python/name on keys too
        self._anchor(event, (node, value))
        return str(node.value)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag in _TEXT_TAGS:
            return value  # dates stay text: the manifest's `launch` is a string
        if tag == _NULL:
            return None
        if tag == _BOOL:
            flag = yaml.constructor.SafeConstructor.bool_values.get(value.lower())
            if flag is None:
                raise self._error(f"'{_short(value)}' is not true or false", node)
            return flag
        if tag in (_INT, _FLOAT):
            try:
                if tag == _INT:
                    return self.loader.construct_yaml_int(node)
                return self.loader.construct_yaml_float(node)
            except (ValueError, TypeError, IndexError, OverflowError):
                raise self._error(f"'{_short(value)}' is not a valid number", node) from None
        raise self._bad_tag(node, tag)


# --- Step 2: the JSON Schema and human messages for its errors -----------------------------


@functools.cache
def manifest_schema() -> dict[str, Any]:
    """The manifest's JSON Schema (draft 2020-12), as shipped in `cxlint/schema/`."""
    text = resources.files("cxlint").joinpath("schema/manifest.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator() -> Draft202012Validator:
    # With its $refs inlined: looking one up per product (44,000 at 20,000 products) was a
    # third of the validation's time. The same checks, so the same errors.
    return Draft202012Validator(_inline_refs(manifest_schema()))


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


def _short(text: str, limit: int = 60) -> str:
    """`text` fit for a one-line message: control characters escaped, long text cut."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _suggest(word: str, choices: Iterable[str]) -> str:
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
        return f"the settings of rule '{_short(str(path[1]))}'"
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
        return f"rule '{_short(last)}'"
    if _is_header_value(path):
        return f"header '{_short(last)}'"
    return f"'{_short(last)}'"


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
        return f"the value {_short(raw or str(value).lower())}"
    if isinstance(value, int | float):
        return f"the number {_short(raw or str(value))}"
    if isinstance(value, str):
        return f"text '{_short(value)}'"
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


def _schema_problem(err: ValidationError, src: _Source) -> tuple[int, UsageError]:
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
            message = f"'{_short(key)}' is not a valid HTTP header name"
        return 0, UsageError(message, src.key_at((*path, key)))
    if kind == "additionalProperties":
        known = err.schema.get("properties", {})
        key = next((str(k) for k in value if k not in known), "")
        if key == "<<":
            message = "YAML merge keys (<<) are not supported; write the keys out"
        else:
            message = f"unknown key '{_short(key)}' in {_container(path)}{_suggest(key, known)}"
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
            message += f'; put it in quotes: "{_short(raw)}"'
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
        return 0, UsageError(_too_long(path, len(value), err.validator_value), location)
    return 0, UsageError(f"{name}: {err.message}", location)  # not expected with our schema


def _pattern_message(path: JsonPath, value: Any) -> str:
    last = path[-1] if path else ""
    text = _short(str(value))
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
                f"'{_short(str(last))}' in 'headers_for' must be an origin like "
                "https://api.example.com (scheme and host, no path)"
            )
        return f"header '{_short(str(last))}' must be on a single line"
    return f"{_field(path)} has an unexpected form: '{text}'"


def _too_long(path: JsonPath, length: int, limit: int, when: str = "") -> str:
    """A value over its schema's maxLength, named without being shown: "the product's 'name'
    is 10,000,000 characters long; at most 300 are allowed"."""
    if path[:2] in (("site", "headers"), ("site", "headers_for")) and len(path) > 2:
        what = f"header '{_short(str(path[-1]))}'"
    elif path and isinstance(path[-1], int):
        what = f"entry {path[-1] + 1} of '{_short(str(path[-2]))}'"
    elif len(path) == 3 and path[0] in _LIST_NOUNS:
        what = f"the {_LIST_NOUNS[str(path[0])]}'s '{_short(str(path[2]))}'"
    elif len(path) == 5 and path[2] == "ignore":
        what = f"the ignore entry's '{_short(str(path[4]))}'"
    else:
        what = "'" + _short(".".join(str(p) for p in path)) + "'"
    return f"{what} is {length:,} characters long{when}; at most {limit:,} are allowed"


def _validate(src: _Source) -> None:
    problems = [_schema_problem(err, src) for err in _validator().iter_errors(src.data)]
    if problems:
        _rank, error = min(
            problems,
            key=lambda p: (p[0], p[1].location.line, p[1].location.column),  # type: ignore[union-attr]
        )
        raise error


# --- Step 3: ${VAR}, URLs, ids, files, rules → dataclasses ---------------------------------


def _secret_name(name: str) -> bool:
    """Named like a credential (token, key, sig, password, auth, ...): the same test that
    urls.redact applies to query parameter names."""
    probe = f"?{name}=x"
    return urls.redact(probe) != probe


_VAR = re.compile(r"\$(\$?)\{([^{}]*)\}")
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Builder:
    def __init__(
        self,
        src: _Source,
        *,
        base_url: str | None,
        env: Mapping[str, str],
        known_rules: Mapping[str, Collection[str]] | None,
        staging: bool = False,
    ) -> None:
        self.src = src
        self.base_url = base_url
        self.staging = staging
        self.staging_env: list[str] = []  # ${VAR}s of site.staging's credentials
        self.env = env
        self.known_rules = known_rules
        self.errors: list[UsageError] = []
        self.secrets: list[str] = []
        self.site_url = ""
        self.relative_base = ""

    # errors are collected and the first one in the file is raised, so that fixing a
    # manifest top to bottom meets them in order
    def error(self, message: str, location: Location) -> None:
        self.errors.append(UsageError(message, location))

    def raise_first(self) -> None:
        if self.errors:
            raise min(self.errors, key=lambda e: (e.location.line, e.location.column))  # type: ignore[union-attr]

    def secret(self, value: str) -> None:
        if value and value not in self.secrets:
            self.secrets.append(value)

    # ${VAR} ------------------------------------------------------------------------------

    def expand(self, value: Any, path: JsonPath) -> Any:
        if isinstance(value, dict):
            return {k: self.expand(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.expand(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, str) and "${" in value:
            used: list[tuple[str, str, str]] = []  # (placeholder, name, value) per ${VAR}
            template = _VAR.sub(lambda m: self._variable(m, path, used), value)
            for placeholder, name, expanded in used:
                if self._is_secret(template, placeholder, name, path):
                    self.secret(expanded)
                template = template.replace(placeholder, expanded)
            if len(template) > MAX_EXPANDED:
                when = " once its ${VAR}s are filled in"
                self.error(_too_long(path, len(template), MAX_EXPANDED, when), self.src.at(path))
            return template
        return value

    @staticmethod
    def _is_secret(template: str, placeholder: str, name: str, path: JsonPath) -> bool:
        """Whether a ${VAR}'s value must never be shown: it is sent as a header, it is named
        like a credential (STAGING_TOKEN), or it is a URL's password or the value of a query
        parameter named like one (?api_key=). Not every expansion: a masked ${SITE_URL} or
        ${MODEL} would blank out every URL or product name in the report."""
        if path[:2] in (("site", "headers"), ("site", "headers_for")) or _secret_name(name):
            return True
        if path[:2] == ("site", "staging") and path[2:3] != ("url",):
            return True
        return placeholder not in urls.redact(template)  # redact() drops exactly those

    def _variable(
        self, match: re.Match[str], path: JsonPath, used: list[tuple[str, str, str]]
    ) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped:  # $${X} is a literal ${X}
            return "${" + name + "}"
        if not _VAR_NAME.fullmatch(name):
            self.error(
                f"'${{{_short(name)}}}' is not a valid environment variable reference; "
                "use ${NAME} with letters, digits and _",
                self.src.at(path),
            )
            return match.group(0)
        if name not in self.env:
            self.error(f"environment variable {name} is not set", self.src.at(path))
            return match.group(0)
        placeholder = f"\x00{len(used)}\x00"  # NUL cannot be written in YAML
        used.append((placeholder, name, self.env[name]))
        if path[:2] == ("site", "staging") and path[2:3] != ("url",):
            self.staging_env.append(name)
        return placeholder

    # URLs --------------------------------------------------------------------------------

    def set_site(self, site_url: str) -> None:
        if not urls.is_http_url(site_url):
            written = self.src.raw.get(("site", "url"), site_url)
            raise UsageError(
                "'site.url' must be an absolute http(s) address like https://www.example.com, "
                f"not '{_short(urls.redact(written))}'",
                self.src.at(("site", "url")),
            )
        self.site_url = site_url
        parts = urlsplit(site_url)
        password = parts.password
        if password:
            self.secret(password)
        # site.url names the site's root, so "phones/x" means <site.url>/phones/x even when
        # site.url has a path without a trailing slash.
        folder = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.relative_base = urlunsplit((parts.scheme, parts.netloc, folder, "", ""))

    def url(self, value: str, path: JsonPath, what: str) -> str:
        """`value` resolved against site.url and moved to --base-url; an error if not http(s)."""
        meant = urls.missing_scheme(value)
        if meant:  # resolved, `www.shop.example/lp` would be a path on the site, and a 404
            self.error(
                f"{what} '{_short(urls.redact(value))}' has no https:// in front; "
                f"write {_short(urls.redact(meant))}",
                self.src.at(path),
            )
        absolute = urls.resolve(value, self.relative_base)
        if not urls.is_http_url(absolute):
            written = self.src.raw.get(path, value)
            self.error(
                f"{what} must be an http(s) URL or a path on the site, "
                f"not '{_short(urls.redact(written))}'",
                self.src.at(path),
            )
            return absolute
        if self.base_url:
            return urls.rewrite_origin(absolute, self.site_url, self.base_url)
        return absolute

    # sections ----------------------------------------------------------------------------

    def site(self, data: dict[str, Any]) -> Site:
        site = Site(url=self.site_url, declared_url=self.site_url)
        if self.base_url:
            site.url = urls.rewrite_origin(self.site_url, self.site_url, self.base_url)
        search = data.get("search")
        if isinstance(search, str):
            template = self.url(search, ("site", "search"), "the search URL")
            site.search = SearchConfig(template=template, kind="html", method="manifest")
        elif isinstance(search, dict):
            template = self.url(search["url"], ("site", "search", "url"), "the search URL")
            site.search = SearchConfig(
                template=template,
                kind="json",
                results=search.get("results"),
                url_field=search.get("url_field"),
                method="manifest",
            )
        site.phone = data.get("phone")
        site.headers = dict(data.get("headers") or {})
        for value in site.headers.values():
            self.secret(value)
        for origin, headers in (data.get("headers_for") or {}).items():
            site.headers_for[urls.origin(origin)] = dict(headers or {})
            for value in (headers or {}).values():
                self.secret(value)
        if data.get("staging"):
            self.staging_block(site, data["staging"])
        return site

    def staging_url(self, data: dict[str, Any]) -> str:
        url = str(data["url"])
        if not urls.is_http_url(url):
            raise UsageError(
                "'site.staging.url' must be an absolute http(s) address like "
                f"https://staging.example.com, not '{_short(urls.redact(url))}'",
                self.src.at(("site", "staging", "url")),
            )
        return url

    def staging_block(self, site: Site, data: dict[str, Any]) -> None:
        """site.staging's credentials become headers for the staging origin only (with
        --staging, --base-url of it, or never), as headers_for's are."""
        headers = dict(data.get("headers") or {})
        auth = data.get("basic_auth")
        if auth:
            token = base64.b64encode(f"{auth['user']}:{auth['password']}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
            self.secret(auth["password"])
        cookies = data.get("cookies") or {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
            for value in cookies.values():
                self.secret(value)
        for value in headers.values():
            self.secret(value)
        site.staging = self.staging_url(data)
        site.staging_env = list(dict.fromkeys(self.staging_env))
        origin = urls.origin(site.staging)
        site.headers_for[origin] = {**site.headers_for.get(origin, {}), **headers}

    def ignores(self, entries: list[dict[str, str]] | None, path: JsonPath) -> list[Ignore]:
        result = []
        for i, entry in enumerate(entries or []):
            self.check_rule_name(entry["rule"], self.src.at((*path, i, "rule")))
            result.append(Ignore(rule=entry["rule"], reason=entry["reason"]))
        return result

    def products(self, entries: list[dict[str, Any]]) -> list[Product]:
        products: list[Product] = []
        first_at: dict[str, Location] = {}
        for i, entry in enumerate(entries):
            path: JsonPath = ("products", i)
            product_id = entry.get("id") or entry.get("model") or entry["name"]
            if product_id in first_at:
                line = first_at[product_id].line
                if "id" in entry:
                    message = f"duplicate product id '{product_id}' (first at line {line})"
                else:
                    source = "model" if "model" in entry else "name"
                    message = (
                        f"two products have the id '{product_id}', taken from their {source} "
                        f"(first at line {line}); give each product its own 'id'"
                    )
                self.error(message, self.src.at((*path, "id")))
            else:
                first_at[product_id] = self.src.at((*path, "id"))
            product = Product(
                id=product_id,
                name=entry["name"],
                model=entry.get("model"),
                aliases=list(entry.get("aliases") or []),
                currency=entry["currency"].upper() if entry.get("currency") else None,
                location=self.src.at(path),
                ignore=self.ignores(entry.get("ignore"), (*path, "ignore")),
            )
            if entry.get("url") is not None:
                product.url_as_written = self.src.raw.get((*path, "url"), entry["url"])
                product.url = self.url(entry["url"], (*path, "url"), "the product URL")
            if entry.get("price") is not None:
                product.price = self.price(entry["price"], (*path, "price"))
            products.append(product)
        return products

    def sheet_products(self, value: str, declared: list[Product]) -> list[Product]:
        """`products_from: products.csv`: the sheet's rows as products, each located at its
        row (`products.csv:4`) so that errors and findings point into the sheet."""
        from cxlint import sheets

        path: JsonPath = ("products_from",)
        display = os.path.join(os.path.dirname(self.src.file), value)
        if not os.path.isfile(display):
            looked = _short(str(Path(display).absolute()), 200)
            raise UsageError(
                f"products_from: file '{_short(value)}' not found (looked for {looked})",
                self.src.at(path),
            )
        # a bad sheet (no name column, bad rows) raises at once, naming the sheet's rows
        entries = sheets.products(sheets.read_sheet(display, "products", display))
        taken = {p.id: p.location for p in declared}
        products = []
        for entry in entries:
            data = entry.data
            location = Location(display, entry.row, 1)
            product_id = data.get("id") or data.get("model") or data["name"]
            if product_id in taken:
                first = taken[product_id]
                line = f" at line {first.line}" if first else ""
                raise UsageError(
                    f"product '{_short(product_id)}' is also in {self.src.file}{line}; "
                    "keep it in one place",
                    location,
                )
            product = Product(
                id=product_id,
                name=data["name"],
                model=data.get("model"),
                aliases=list(data.get("aliases") or []),
                price=data.get("price"),
                currency=data.get("currency"),
                location=location,
            )
            if data.get("url"):
                product.url_as_written = data["url"]
                absolute = urls.resolve(data["url"], self.relative_base)
                if self.base_url:
                    absolute = urls.rewrite_origin(absolute, self.site_url, self.base_url)
                product.url = absolute
            products.append(product)
        return products

    def price(self, value: float | int | str, path: JsonPath) -> Decimal | None:
        if isinstance(value, float) and not math.isfinite(value):
            self.error("'price' must be a finite number", self.src.at(path))
            return None
        try:
            # repr() is the shortest text that reads back as the same float: 499.99, not
            # 499.990000000000009094947017729282379150390625
            return Decimal(repr(value) if isinstance(value, float) else str(value))
        except InvalidOperation:
            self.error(f"'price' must be a number, not '{_short(str(value))}'", self.src.at(path))
            return None

    def landing_pages(
        self, entries: list[dict[str, Any]], product_ids: Collection[str]
    ) -> list[LandingPage]:
        pages = []
        for i, entry in enumerate(entries):
            path: JsonPath = ("landing_pages", i)
            names = list(entry.get("products") or [])
            for j, product_id in enumerate(names):
                if product_id not in product_ids:
                    self.error(
                        f"landing page names product '{_short(product_id)}' that no product "
                        f"defines{_suggest(product_id, product_ids)}",
                        self.src.at((*path, "products", j)),
                    )
            pages.append(
                LandingPage(
                    url=self.url(entry["url"], (*path, "url"), "the landing page URL"),
                    url_as_written=self.src.raw.get((*path, "url"), entry["url"]),
                    channel=entry.get("channel"),
                    products=names,
                    location=self.src.at(path),
                    ignore=self.ignores(entry.get("ignore"), (*path, "ignore")),
                )
            )
        return pages

    def creatives(self, entries: list[dict[str, Any]]) -> list[Creative]:
        folder = Path(self.src.file).parent.absolute()
        creatives = []
        for i, entry in enumerate(entries):
            path: JsonPath = ("creatives", i)
            file_path = folder / entry["file"]
            if not file_path.is_file():
                looked = _short(str(file_path), 200)
                self.error(
                    f"creative file '{_short(entry['file'])}' not found (looked for {looked})",
                    self.src.at((*path, "file")),
                )
            creatives.append(
                Creative(
                    file=self.src.raw.get((*path, "file"), entry["file"]),
                    path=file_path,
                    channel=entry.get("channel"),
                    location=self.src.at(path),
                )
            )
        return creatives

    def check_rule_name(self, name: str, location: Location) -> bool:
        if self.known_rules is None or name in self.known_rules:
            return True
        hint = _suggest(name, self.known_rules) or "; run 'cxlint rules' to list them"
        self.error(f"unknown rule '{_short(name)}'{hint}", location)
        return False

    def rules(self, data: dict[str, Any]) -> dict[str, RuleSetting]:
        settings = {}
        for name, value in data.items():
            location = self.src.key_at(("rules", name))
            known = self.check_rule_name(name, location)
            if isinstance(value, str):
                setting = RuleSetting(severity=value, location=location)
            else:
                options = {k: v for k, v in value.items() if k != "severity"}
                setting = RuleSetting(value.get("severity"), options, location)
                if known and self.known_rules is not None:
                    allowed = self.known_rules[name]
                    for option in options:
                        if option not in allowed:
                            hint = _suggest(option, allowed) or (
                                f"; its options are {', '.join(sorted(allowed))}"
                                if allowed
                                else " (it only takes 'severity')"
                            )
                            self.error(
                                f"rule '{_short(name)}' has no option '{_short(option)}'{hint}",
                                self.src.key_at(("rules", name, option)),
                            )
            settings[name] = setting
        return settings

    def launch(self, value: str | None) -> str | None:
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                self.error(
                    f"'launch' is not a real date: '{_short(value)}'",
                    self.src.at(("campaign", "launch")),
                )
        return value

    def build(self) -> Campaign:
        data = self.expand(self.src.data, ())
        self.raise_first()
        if self.staging:  # --staging: site.staging.url is the origin checked
            block = data["site"].get("staging")
            if not block:
                raise UsageError(
                    "--staging: the manifest has no 'staging' under 'site'; add one with the "
                    "staging site's url",
                    self.src.key_at(("site",)),
                )
            self.base_url = self.staging_url(block)
        self.set_site(data["site"]["url"])
        campaign_data = data["campaign"]
        products = self.products(data.get("products") or [])
        if data.get("products_from"):
            products += self.sheet_products(data["products_from"], products)
        campaign = Campaign(
            name=campaign_data["name"],
            id=campaign_data.get("id"),
            launch=self.launch(campaign_data.get("launch")),
            site=self.site(data["site"]),
            products=products,
            landing_pages=self.landing_pages(
                data.get("landing_pages") or [], {p.id: None for p in products}
            ),
            creatives=self.creatives(data.get("creatives") or []),
            rules=self.rules(data.get("rules") or {}),
            path=self.src.file,
            location=self.src.key_at(("campaign",)),
        )
        self.raise_first()
        campaign.secrets = list(self.secrets)
        return campaign


# --- Public API -----------------------------------------------------------------------------


def load_manifest_text(
    text: str | bytes,
    filename: str,
    *,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
    rules: Mapping[str, Collection[str]] | None = None,
    staging: bool = False,
) -> Campaign:
    """Parse and check a manifest's text; `filename` names it in errors and anchors creatives.

    `base_url` is the CLI's `--base-url`: every URL on site.url's origin moves to it.
    `env` supplies `${VAR}` values (default: the process environment). `rules` maps each
    known rule to its option names; when given, unknown rules and options are errors.
    Raises UsageError with the file, line and column of the first problem.
    """
    if base_url is not None and not urls.is_http_url(base_url):
        raise UsageError(
            "--base-url must be an absolute http(s) address like https://staging.example.com, "
            f"not '{urls.redact(base_url)}'"
        )
    src = _parse(text, filename)
    _validate(src)
    builder = _Builder(
        src,
        base_url=base_url,
        env=os.environ if env is None else env,
        known_rules=rules,
        staging=staging,
    )
    if staging and base_url is not None:
        raise UsageError("give --staging or --base-url, not both")
    if base_url is not None:
        password = urlsplit(base_url).password
        if password:
            builder.secret(password)
    # The campaign is rebuilt from a copy once everything else read is gone. Reading kept a
    # position for every value written, allocated between the campaign's own objects; freed,
    # it left the heap full of holes, which later allocations fill, and a forked --jobs
    # process then copies each page it writes to. Rebuilt into the holes, the campaign is
    # packed together: at 20,000 products it holds 32 MB instead of 71 MB (about 0.4 s).
    campaign = builder.build()
    del src, builder
    packed = pickle.dumps(campaign, protocol=pickle.HIGHEST_PROTOCOL)
    del campaign
    return pickle.loads(packed)  # type: ignore[no-any-return]


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
    rules: Mapping[str, Collection[str]] | None = None,
    staging: bool = False,
) -> Campaign:
    """Read the manifest file at `path` (see `load_manifest_text`)."""
    name = os.fspath(path)
    file = Path(name)
    if not file.exists():
        raise UsageError(f"manifest not found: {name}")
    if file.suffix.lower() in _SHEET_SUFFIXES:
        raise UsageError(_SPREADSHEET.format(name=name))
    if file.is_dir():
        raise UsageError(f"the manifest is a folder, not a file: {name}")
    try:
        if file.stat().st_size > MAX_BYTES:
            raise UsageError(
                f"the manifest is larger than {MAX_BYTES // (1024 * 1024)} MB", Location(name, 1, 1)
            )
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read manifest {name}: {exc.strerror or exc}") from None
    return load_manifest_text(data, name, base_url=base_url, env=env, rules=rules, staging=staging)
