"""Broken YAML said in words, at the place it breaks.

PyYAML's own messages ("while scanning a simple key ... could not find expected ':'") point
a line or two off the cause and name it in parser terms. Here the usual causes get plain
sentences: a tab, a line indented to no level of the lines above ("this line is indented 3
spaces but the list above uses 2"), an unquoted `?` or `,` inside braces, bytes that are not
UTF-8 or a character YAML does not allow.

Used by `yaml_positions` only; it knows nothing of manifests beyond their text.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from cxlint.errors import UsageError
from cxlint.model import Location


def mark_location(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def _offset_location(file: str, text: str, offset: int) -> Location:
    head = text[:offset]
    return Location(file, head.count("\n") + 1, offset - (head.rfind("\n") + 1) + 1)


def decode(data: bytes, file: str) -> str:
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


def yaml_error(exc: yaml.YAMLError, text: str, file: str, *, libyaml: bool) -> UsageError:
    """The UsageError for `exc`, raised reading `text` with libyaml's parser or PyYAML's."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        location = mark_location(file, mark) if mark is not None else Location(file, 1, 1)
        layout = _layout_problem(text, file, mark.line) if mark is not None else None
        return layout or UsageError(_yaml_message(exc), location)
    if isinstance(exc, yaml.reader.ReaderError):
        position = exc.position
        if libyaml:  # libyaml counts bytes of UTF-8, not characters
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
