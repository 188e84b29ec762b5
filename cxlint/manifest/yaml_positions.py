"""A manifest's YAML read into plain data that remembers where each value was written.

Every manifest problem is reported at a file:line:column, so reading YAML cannot lose the
positions the way `yaml.safe_load` does. This module turns the parser's events into dicts,
lists and scalars together with a map from JSON path, like ("products", 0, "price"), to the
`Location` of that value (and of its key), refusing what a manifest never needs (tags,
aliases to collections, a second document); `yaml_errors` words broken YAML.

A usual manifest is read first by `yaml_fast`, which keeps only the places a valid manifest's
campaign needs; the `Source` reads the text again with the converter here the first time it is
asked for another place (an error's), so every error is placed as exactly as before.

It knows nothing of the schema or of campaigns: `schema_errors` and `build` read its `Source`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from cxlint.errors import UsageError
from cxlint.manifest.yaml_errors import decode, mark_location, yaml_error
from cxlint.manifest.yaml_fast import EAGER_DEPTH, FastRead
from cxlint.model import Location

MAX_DEPTH = 64  # far deeper than any manifest; keeps hostile input from exhausting the stack

JsonPath = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_NAMES = ("str", "int", "float", "bool", "null", "timestamp", "merge", "value")
_TAGS = {name: _TAG + name for name in _NAMES}
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAGS[t] for t in ("str", "int", "float", "bool", "null"))
_TEXT_TAGS = {_STR, _TAGS["timestamp"], _TAGS["merge"], _TAGS["value"]}  # kept as written
_MAP, _SEQ = _TAG + "map", _TAG + "seq"


def short(text: str, limit: int = 60) -> str:
    """`text` fit for a one-line message: control characters escaped, long text cut."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def too_large(max_bytes: int) -> str:
    return f"the manifest is larger than {max_bytes // (1024 * 1024)} MB"


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


class Source:
    """The manifest as plain data, with where each value and key was written.

    Read by `yaml_fast`, it holds the places of collections and of the first two levels only
    (`complete` is False) and reads the text again, exactly, the first time another place is
    asked for: an error's, almost always.
    """

    def __init__(
        self,
        file: str,
        data: dict[str, Any],
        values: dict[JsonPath, Location],
        keys: dict[JsonPath, Location],
        raw: dict[JsonPath, str] | None = None,  # scalars' text as written; None: not read
        text: str | None = None,  # kept to read the other places from
        variables: bool = True,  # False: no value can hold a ${VAR} (no "${", no "\\")
    ) -> None:
        self.file, self.data, self._values, self._keys = file, data, values, keys
        self._raw, self._text, self.variables = raw, text, variables

    @property
    def complete(self) -> bool:
        return self._raw is not None

    def _complete(self) -> None:
        if self._raw is None:
            assert self._text is not None
            full = _read(self._text, self.file, _LOADER)  # read before: it cannot fail now
            self._values, self._keys, self._raw, self._text = full.values, full.keys, full.raw, None

    @property
    def values(self) -> dict[JsonPath, Location]:
        self._complete()
        return self._values

    @property
    def keys(self) -> dict[JsonPath, Location]:
        self._complete()
        return self._keys

    @property
    def raw(self) -> dict[JsonPath, str]:
        self._complete()
        assert self._raw is not None
        return self._raw

    def at(self, path: Iterable[str | int]) -> Location:
        """Where the value at `path` was written (or its nearest written parent)."""
        path = tuple(path)
        known = self._values.get(path)
        if known is not None:
            return known
        values = self.values
        while path not in values and path:
            path = path[:-1]
        return values.get(path, Location(self.file, 1, 1))

    def key_at(self, path: Iterable[str | int]) -> Location:
        """Where the key naming `path` was written (the value's place when it has no key)."""
        path = tuple(path)
        if len(path) > EAGER_DEPTH:
            self._complete()
        return self._keys.get(path) or self.at(path)

    def written(self, path: JsonPath, value: Any) -> Any:
        """The scalar at `path` as written (before ${VAR}s), `value` if there is none."""
        if not self.complete:
            found: Any = self.data
            for part in path:
                try:
                    found = found[part]
                except (KeyError, IndexError, TypeError):
                    return value
            if isinstance(found, str):
                return found  # a text's scalar is its text; another's, its number or word
        return self.raw.get(path, value)


def parse(text: str | bytes, file: str, max_bytes: int) -> Source:
    """The manifest's data and positions, or a UsageError saying where and why it is not
    readable YAML (larger than `max_bytes`, not UTF-8, broken, not a mapping)."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise UsageError(too_large(max_bytes), Location(file, 1, 1))
    if isinstance(text, bytes):
        text = decode(text, file)
    text = text.removeprefix("\ufeff")
    fast = FastRead(text, file, _LOADER, _TAGS)
    data = fast.read()
    if data is not None:
        variables = "${" in text or "\\" in text  # "\x24{" is one, in double quotes
        return Source(file, data, fast.values, fast.keys, text=text, variables=variables)
    try:
        return _read(text, file, _LOADER)
    except yaml.YAMLError as exc:
        if _LOADER is _Loader or size > _RETRY_BYTES:
            raise yaml_error(exc, text, file, libyaml=_LOADER is not _Loader) from None
    # libyaml found the manifest broken; PyYAML's own parser says how in clearer words
    # ("expected ',' or '}', but got ':'"), so it reads it again, if it is not huge.
    try:
        return _read(text, file, _Loader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, file, libyaml=False) from None


SHEET_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
SPREADSHEET = (
    "this looks like a spreadsheet, not a manifest: run `cxlint init --products {name}` "
    "to draft a manifest from it"
)
_RETRY_BYTES = 1_000_000  # the pure-Python parser takes about a second per megabyte


def _read(text: str, file: str, loader_class: type) -> Source:
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
                raise UsageError(SPREADSHEET.format(name=file), Location(file, 1, 1))
            kind = "a list" if isinstance(root, yaml.SequenceStartEvent) else "a single value"
            raise UsageError(
                f"the manifest must be a mapping of keys like 'version:' and 'site:', not {kind}",
                mark_location(file, root.start_mark),
            )
        data = converter.convert((), 0)
        converter.finish()
    finally:
        loader.dispose()
    return Source(file, data, converter.values, converter.keys, converter.raw)


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
        return UsageError(message, mark_location(self.file, item.start_mark))

    def _bad_tag(self, item: Any, tag: str) -> UsageError:
        return self._error(
            f"the YAML tag '{short(_show_tag(tag))}' is not allowed in a manifest; "
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
                f"invalid YAML: the anchor '&{short(event.anchor)}' is defined twice "
                f"(first at line {line})",
                event,
            )
        self.anchors[event.anchor] = value

    def _alias(self, event: Any) -> tuple[yaml.ScalarNode, Any]:
        target = self.anchors.get(event.anchor)
        if target is None:
            raise self._error(f"invalid YAML: found undefined alias '{short(event.anchor)}'", event)
        if isinstance(target, Location):
            raise self._error(
                f"the YAML alias '*{short(event.anchor)}' repeats a mapping or list, which "
                "manifests do not allow; write the entries out",
                event,
            )
        return target

    def convert(self, path: JsonPath, depth: int) -> Any:
        event = self.loader.get_event()
        if depth > MAX_DEPTH:
            raise self._error("the manifest is nested too deeply", event)
        self.values[path] = mark_location(self.file, event.start_mark)
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
                    f"duplicate key '{short(key)}' (first at line {first.line})", key_event
                )
            child = (*path, key)  # one tuple for both maps: 20,000 products make 300,000
            self.keys[child] = mark_location(self.file, key_event.start_mark)
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
                raise self._error(f"'{short(value)}' is not true or false", node)
            return flag
        if tag in (_INT, _FLOAT):
            try:
                if tag == _INT:
                    return self.loader.construct_yaml_int(node)
                return self.loader.construct_yaml_float(node)
            except (ValueError, TypeError, IndexError, OverflowError):
                raise self._error(f"'{short(value)}' is not a valid number", node) from None
        raise self._bad_tag(node, tag)
