"""collapse() takes three ways through a long text (ASCII, one byte a character, wider) and
one told by its caller (ASCII whitespace only, with cxlint's marks): each is the split and
join it replaces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxlint import regions
from cxlint.text import SPACES, collapse

_ASCII_SPACES = [space for space in SPACES if space.isascii()]
# words of each width, the marks, long runs, and (for the first test) every space
_WORDS = ["a", "bé", "€", "\U0001f600", "x" * 300, " " * 40, " ", "  ", *regions._MARKS]


@given(st.lists(st.sampled_from([*_WORDS, *SPACES]), max_size=60).map("".join))
@settings(max_examples=1000)
def test_collapse_is_the_split_and_join_whatever_the_width(text: str) -> None:
    assert collapse(text) == " ".join(text.split())


@given(st.lists(st.sampled_from([*_WORDS, *_ASCII_SPACES]), max_size=60).map("".join))
@settings(max_examples=1000)
def test_collapse_told_the_spaces_are_ascii_is_the_split_and_join(text: str) -> None:
    assert collapse(text, ascii_spaces=True) == " ".join(text.split())


def test_each_way_through_a_long_text() -> None:
    word = "word\t \n\r\x0b\x0c\x1c  word  "
    for text in (
        word * 40,  # ASCII
        (word + "\xa0\x85é ") * 40,  # one byte a character
        (word + "\u3000\u2000€ ") * 40,  # two
        (word + "\u2028\U0001f600 ") * 40,  # four
        (word + regions.SEP) * 40,  # ASCII but for a mark
    ):
        assert collapse(text) == " ".join(text.split())
    assert collapse((word + regions.SEP) * 40, ascii_spaces=True) == collapse(
        (word + regions.SEP) * 40
    )
