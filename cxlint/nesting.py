"""HTML nested deeper than the parser keeps, flattened in the raw bytes, as browsers keep it.

libxml2 stops reading a page at 256 levels of nesting and drops everything after: the name of
a product after 100,000 nested <div>s is lost, where a browser shows it (the HTML standard
sets no limit; Chromium attaches the elements past 512 levels to the element at that level).
So a page libxml2 finds too deep is scanned once, tag by tag, and rewritten the way Chromium
builds it: an element that would open more than `depth` levels deep is attached to the element
at that level instead, after the deep element before it, which is closed first. Deep elements
that hold nothing of their own (no text, no attributes, no image: 100,000 bare <div>s) are
taken out, with their end tags. All text stays where it was. The parser then reads the whole
page, and never holds a deep stack of open elements (its search of that stack for each stray
end tag made such pages cost seconds).

The scan builds no tree: it keeps the names of the open elements, closing them as libxml2
does, closely enough: void elements and `<x/>` open nothing, the text of <script>, <style>,
<title> and the like is not markup, an end tag closes up to the element it names, and a <p>,
<li>, <td>, <option> (...) closes one of its own kind just before it. `strict` counts an
element closed only by its own end tag, right after its children: never fewer open elements
than libxml2 has, for the hostile page that the close approximation misjudges.
"""

from __future__ import annotations

import re

# A comment; a start or end tag, its attributes read as the HTML tokenizer does (a quoted
# value may hold '>'); a doctype, <?...> or other bogus comment. On lower-cased bytes; each
# ends at the end of the page if nothing closes it, so no search runs twice over the same text.
_TOKEN = re.compile(
    rb"<(?:!--.*?(?:--!?>|\Z)"
    rb"|(/?)([a-z][^\s/>]*)"
    rb"[^>=]*(?:=\s*(?:\"[^\"]*(?:\"|\Z)|'[^']*(?:'|\Z))?[^>=]*)*(?:>|\Z)"
    rb"|[!?/][^>]*(?:>|\Z))",
    re.S,
)
_VOID = frozenset(
    b"area base basefont br col embed frame hr img input isindex keygen link meta param source "
    b"track wbr".split()
)
_RAW_TEXT = frozenset(b"iframe noembed noframes script style textarea title xmp".split())
_ONCE = frozenset((b"html", b"head", b"body"))  # a second one is merged into the first
# A new one closes an open one of its kind (libxml2's own table, as measured).
_CLOSES_ITS_KIND = frozenset(b"a colgroup form li option p tbody td th tr".split())
_TEXT = re.compile(rb"\S")  # text between two tags: the element it is in holds something


def flatten(body: bytes, depth: int, *, strict: bool = False) -> bytes:
    """`body` with no element more than `depth` levels deep (see the module's docstring)."""
    return _Flattener(body, depth, strict).run()


class _Flattener:
    def __init__(self, body: bytes, depth: int, strict: bool) -> None:
        self.body = body
        self.depth = depth
        self.strict = strict
        self.out: list[bytes] = []
        self.copied = 0  # body[:copied] is in `out`
        self.shown: tuple[int, bytes] | None = None  # the deep element open in the output
        self.pending: tuple[int, int, int] | None = None  # a bare deep one: level, start, end

    def run(self) -> bytes:
        body, lower, depth, strict = self.body, self.body.lower(), self.depth, self.strict
        names: list[bytes] = []  # the open elements, outermost first
        counts: dict[bytes, int] = {}  # how many of each name are open
        has_text = _TEXT.search
        tokens = _TOKEN.finditer(lower)
        after = 0  # where the previous token ended
        while (token := next(tokens, None)) is not None:
            start, at = token.span()
            if self.pending and start > after and has_text(lower, after, start):
                self.show_pending()
            after = at
            closing, name = token.groups()
            if name is None:  # a comment or doctype: no element
                continue
            if closing:
                if strict:  # only the element just opened
                    matched = bool(names) and names[-1] == name
                    if matched:
                        names.pop()
                else:  # up to the nearest one of that name
                    matched = bool(counts.get(name))
                    if matched:
                        while (closed := names.pop()) != name:
                            counts[closed] -= 1
                            self.closed(len(names), start)
                        counts[name] -= 1
                if matched:
                    level = len(names)
                    if not self.closed(level, start, own=True) and level >= depth:
                        self.cut(start, at)  # a deep element's, left out with it
                elif len(names) > depth:
                    self.cut(start, at)  # stray, in the deep part
                continue
            if not strict:
                if name in _CLOSES_ITS_KIND and names and names[-1] == name:
                    names.pop()
                    counts[name] -= 1
                    self.closed(len(names), start)
                if name in _ONCE and counts.get(name):
                    continue
            level = len(names)
            if lower.startswith(b"/>", at - 2) or name in _VOID:
                if level >= depth and self.pending:
                    self.show_pending()  # an image or a field is something to show
                continue
            if name in _RAW_TEXT:  # its text is not markup: read on after its end tag
                end = lower.find(b"</" + name, at)
                after = len(lower) if end < 0 else lower.find(b">", end) + 1 or len(lower)
                tokens = _TOKEN.finditer(lower, after)
                if level >= depth:
                    self.drop_pending()
                    self.close_shown(start)  # it goes beside the deep element before it
                continue
            names.append(name)
            counts[name] = counts.get(name, 0) + 1
            if level >= depth:
                self.drop_pending()
                if at - start == len(name) + 2:  # bare: shown only when it holds something
                    self.pending = (level, start, at)
                else:
                    self.close_shown(start)
                    self.shown = (level, name)
        if self.pending and has_text(lower, after):
            self.show_pending()
        self.drop_pending()
        if not self.out:
            return body
        self.out.append(body[self.copied :])
        return b"".join(self.out)

    def cut(self, start: int, end: int) -> None:
        """Leave body[start:end] out; a space keeps the words on either side apart."""
        if start > self.copied or not self.out:
            self.out.append(self.body[self.copied : start])
            self.out.append(b" ")
        self.copied = end

    def close_shown(self, at: int) -> None:
        """End the deep element shown so far just before body[at]: a new one takes its place."""
        if self.shown is not None:
            self.out.append(self.body[self.copied : at])
            self.out.append(b"</" + self.shown[1] + b">")
            self.copied = at
            self.shown = None

    def show_pending(self) -> None:
        assert self.pending is not None
        level, start, end = self.pending
        self.pending = None
        self.close_shown(start)
        self.shown = (level, self.body[start + 1 : end - 1].lower())

    def drop_pending(self) -> None:
        if self.pending is not None:
            _, start, end = self.pending
            self.pending = None
            self.cut(start, end)

    def closed(self, level: int, at: int, own: bool = False) -> bool:
        """The element at `level` is closed by the tag at body[at], its `own` end tag or not.
        True when that tag is kept to close it in the output."""
        if self.pending is not None and self.pending[0] == level:
            self.drop_pending()  # it held nothing
        elif self.shown is not None and self.shown[0] == level:
            if own:
                self.shown = None
                return True
            self.close_shown(at)
        return False
