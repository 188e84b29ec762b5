"""A yes/no check of a manifest against its JSON Schema, compiled once into Python closures.

jsonschema walks 20,000 products keyword by keyword, making a validator and a path for every
value: most of a second. Almost every manifest read is valid, and saying so needs none of
that, so `schema_errors` asks this check first and runs jsonschema (for its errors, worded
for people) only when the check does not say "valid".

The check is never more lenient than jsonschema: it answers True only where jsonschema would
find no error, and may answer False for a valid manifest (a float where an integer is asked,
a subclass of str), which costs only jsonschema's time. A schema with a keyword it does not
know is not compiled at all (`compile_schema` returns None), so a new keyword in the schema
falls back to jsonschema instead of being ignored. A test compares the two on many manifests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "$id", "$defs", "$comment", "title", "description", "examples"}
# jsonschema's own type tests (its numbers.Number is narrowed to int and float: stricter)
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda x: isinstance(x, str),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": lambda x: isinstance(x, int | float) and not isinstance(x, bool),
    "integer": lambda x: (
        isinstance(x, int) and not isinstance(x, bool) or isinstance(x, float) and x.is_integer()
    ),
}


class _Unknown(Exception):
    """The schema uses a keyword (or form of one) this module does not check."""


def compile_schema(schema: Any) -> Check | None:
    """A function telling whether an instance is surely valid against `schema`, or None."""
    try:
        return _compile(schema)
    except _Unknown:
        return None


def _compile(schema: Any) -> Check:
    if schema is True or schema == {}:
        return lambda x: True
    if not isinstance(schema, dict):
        raise _Unknown(schema)
    checks: list[Check] = []
    unknown = set(schema) - _ANNOTATIONS - _KEYWORDS.keys() - {"then", "else"}
    if unknown:
        raise _Unknown(unknown)
    for keyword, make in _KEYWORDS.items():
        if keyword in schema:
            checks.append(make(schema[keyword], schema))
    return _all(checks)


def _all(checks: list[Check]) -> Check:
    """The checks together; unrolled, as a generator per value would take most of the time."""
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    first, rest = checks[0], _all(checks[1:])
    return lambda x: first(x) and rest(x)


def _type(value: Any, schema: dict[str, Any]) -> Check:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or any(name not in _TYPES for name in names):
        raise _Unknown(value)
    return _any([_TYPES[name] for name in names])


def _any(tests: list[Check]) -> Check:
    if len(tests) == 1:
        return tests[0]
    first, rest = tests[0], _any(tests[1:])
    return lambda x: first(x) or rest(x)


def _enum(value: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Unknown(value)  # jsonschema's equality of numbers and booleans is its own
    choices = frozenset(value)
    return lambda x: type(x) is str and x in choices


def _const(value: Any, schema: dict[str, Any]) -> Check:
    if type(value) is str:
        return lambda x: type(x) is str and x == value
    if type(value) is not int:
        raise _Unknown(value)
    return lambda x: (type(x) is int or type(x) is float) and x == value  # 1.0 is 1, True not


def _pattern(value: str, schema: dict[str, Any]) -> Check:
    search = re.compile(value).search  # jsonschema searches, it does not match
    return lambda x: not isinstance(x, str) or search(x) is not None


def _min_length(value: int, schema: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, str) or len(x) >= value


def _max_length(value: int, schema: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, str) or len(x) <= value


def _minimum(value: int | float, schema: dict[str, Any]) -> Check:
    def check(x: Any) -> bool:
        if isinstance(x, int | float) and not isinstance(x, bool):
            return bool(x >= value)  # NaN is not: stricter than jsonschema, which lets it by
        return isinstance(x, str | bool | list | dict) or x is None  # not a number: no check

    return check


def _items(value: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(value, dict):  # a list of schemas is the older tuple form
        raise _Unknown(value)
    item = _compile(value)
    return lambda x: not isinstance(x, list) or all(item(v) for v in x)


def _required(value: list[str], schema: dict[str, Any]) -> Check:
    names = tuple(value)
    return lambda x: not isinstance(x, dict) or all(name in x for name in names)


def _property_names(value: Any, schema: dict[str, Any]) -> Check:
    name = _compile(value)
    return lambda x: not isinstance(x, dict) or all(name(k) for k in x)


def _properties(value: dict[str, Any], schema: dict[str, Any]) -> Check:
    """properties and additionalProperties together: one pass over a mapping's keys."""
    known = {name: _compile(sub) for name, sub in value.items()}
    extra = schema.get("additionalProperties", True)
    other: Check | None = None if extra is False else _compile(extra)

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for key, item in x.items():
            test = known.get(key, other)
            if test is None or not test(item):
                return False
        return True

    return check


def _additional_properties(value: Any, schema: dict[str, Any]) -> Check:
    if "properties" in schema:  # checked with them
        return lambda x: True
    return _properties({}, schema)


def _if(value: Any, schema: dict[str, Any]) -> Check:
    # The condition decides which branch applies, so it must be exact, not only strict: the
    # type keyword alone is (for the types YAML makes).
    if not isinstance(value, dict) or set(value) - _ANNOTATIONS - {"type"}:
        raise _Unknown(value)
    condition = _compile(value)
    then = _compile(schema.get("then", True))
    otherwise = _compile(schema.get("else", True))
    return lambda x: then(x) if condition(x) else otherwise(x)


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minimum": _minimum,
    "items": _items,
    "required": _required,
    "propertyNames": _property_names,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "if": _if,
}
