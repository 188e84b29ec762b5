"""The usual manifest read quickly: plain data, with the places of its collections only.

`yaml_positions`' converter remembers where every value and key was written, 300,000 places
for 20,000 products, each a `Location` under a path; only an error ever reads most of them.
This reader, given the same loader, makes the same data from the same events, but keeps the
place of each mapping and list (a product's, a landing page's) and of every value and key in
the manifest's first two levels (`site.url`, `rules.NAME`): what a valid manifest's campaign
needs. `yaml_positions.Source` finds any other place by reading the text again, exactly.

It handles only what manifests are made of (mappings, lists, untagged scalars, one
document); on anything else (an anchor or alias, a tag, a duplicate key, a value that is not
what its form says, deep nesting, broken YAML) it gives up (`read` returns None) and the exact
converter reads the text and words the problem as before. It imports nothing of the manifest
package: `yaml_positions` hands it the loader class and the scalar tags.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from cxlint.model import Location

JsonPath = tuple[str | int, ...]
EAGER_DEPTH = 2  # places kept for every value and key of paths this long or shorter
_BOOL_VALUES = yaml.constructor.SafeConstructor.bool_values


class _Unusual(Exception):
    """Something only the exact converter reads (or words)."""


class FastRead:
    """The data of `text`, and the places kept (`values`, `keys`), once `read()` is done."""

    def __init__(self, text: str, file: str, loader_class: type, tags: dict[str, str]) -> None:
        self.text, self.file, self.loader_class = text, file, loader_class
        self.text_tags = {tags["str"], tags["timestamp"], tags["merge"], tags["value"]}
        self.null, self.bool = tags["null"], tags["bool"]
        self.numbers = {tags["int"]: "construct_yaml_int", tags["float"]: "construct_yaml_float"}
        resolvers = loader_class.yaml_implicit_resolvers
        # A plain scalar whose first character no resolver looks at is text: most of them
        self.resolved_by = {first for first, found in resolvers.items() if found}
        self.tags: dict[str, str] = {}
        self.values: dict[JsonPath, Location] = {}
        self.keys: dict[JsonPath, Location] = {}

    def read(self) -> dict[str, Any] | None:
        """The manifest's data, or None when the exact converter must read it."""
        self.loader = self.loader_class(self.text)
        self.get = self.loader.get_event
        try:
            return self._document()
        except (_Unusual, yaml.YAMLError, RecursionError):
            self.values, self.keys = {}, {}  # let go before the exact converter reads it all
            return None
        finally:
            self.loader.dispose()
            del self.loader, self.get

    def _document(self) -> dict[str, Any]:
        get = self.get
        if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
            raise _Unusual  # an empty manifest
        root = get()
        if type(root) is not MappingStartEvent:
            raise _Unusual  # not a mapping: the exact converter says what it is instead
        data = self._mapping(root, (), 0)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _Unusual  # a second document
        return data

    def _place(self, event: Any) -> Location:
        mark = event.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _start(self, event: Any, path: JsonPath, depth: int) -> None:
        if event.anchor is not None or event.tag is not None or depth > 60:
            raise _Unusual
        self.values[path] = self._place(event)

    def _mapping(self, event: Any, path: JsonPath, depth: int) -> dict[str, Any]:
        self._start(event, path, depth)
        get, scalar = self.get, self._scalar
        eager = len(path) < EAGER_DEPTH
        result: dict[str, Any] = {}
        while True:
            key_event = get()
            kind = type(key_event)
            if kind is MappingEndEvent:
                return result
            if kind is not ScalarEvent:
                raise _Unusual  # an alias, or a list or mapping as a key
            key = key_event.value
            if key in result or key_event.anchor is not None or key_event.tag is not None:
                raise _Unusual
            if key_event.implicit[0] and key[:1] in self.resolved_by:
                scalar(key_event)  # checked as a value would be (a bad number is an error)
            event = get()
            kind = type(event)
            if kind is ScalarEvent:
                result[key] = scalar(event)
                if eager:
                    self.keys[(*path, key)] = self._place(key_event)
                    self.values[(*path, key)] = self._place(event)
                continue
            child = (*path, key)
            if eager:
                self.keys[child] = self._place(key_event)
            if kind is MappingStartEvent:
                result[key] = self._mapping(event, child, depth + 1)
            elif kind is SequenceStartEvent:
                result[key] = self._sequence(event, child, depth + 1)
            else:
                raise _Unusual

    def _sequence(self, event: Any, path: JsonPath, depth: int) -> list[Any]:
        self._start(event, path, depth)
        get, scalar = self.get, self._scalar
        eager = len(path) < EAGER_DEPTH
        items: list[Any] = []
        while True:
            event = get()
            kind = type(event)
            if kind is ScalarEvent:
                if eager:
                    self.values[(*path, len(items))] = self._place(event)
                items.append(scalar(event))
            elif kind is MappingStartEvent:
                items.append(self._mapping(event, (*path, len(items)), depth + 1))
            elif kind is SequenceStartEvent:
                items.append(self._sequence(event, (*path, len(items)), depth + 1))
            elif kind is SequenceEndEvent:
                return items
            else:
                raise _Unusual

    def _scalar(self, event: Any) -> Any:
        """The value the exact converter makes of an untagged scalar."""
        if event.anchor is not None or event.tag is not None:
            raise _Unusual
        value: str = event.value
        if not event.implicit[0] or value[:1] not in self.resolved_by:
            return value  # quoted (or a block scalar), or text by its first character
        tag = self.tags.get(value)  # a plain scalar's tag depends on its text only
        if tag is None:
            tag = self.tags[value] = self.loader.resolve(yaml.ScalarNode, value, event.implicit)
        if tag in self.text_tags:
            return value
        if tag == self.null:
            return None
        if tag == self.bool:
            flag = _BOOL_VALUES.get(value.lower())
            if flag is None:
                raise _Unusual
            return flag
        construct = self.numbers.get(tag)
        if construct is None:
            raise _Unusual
        try:
            return getattr(self.loader, construct)(yaml.ScalarNode(tag, value))
        except (ValueError, TypeError, IndexError, OverflowError):
            raise _Unusual from None
