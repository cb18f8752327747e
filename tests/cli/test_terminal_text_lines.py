"""`clean_block` and `json_text` work line by line (fast on megabytes of clean output): the
result is the character-by-character definition's, for any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tabletop.terminal_text import _json_escape, clean_block, json_text

# Text rich in what matters: line breaks, tabs, controls, format and bidi characters.
_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from('\n\t\r\x1b\x07\x85\u202e\u200b\u2028 a{}"é'),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


def _clean_reference(s: str) -> str:
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in s)


def _json_reference(s: str) -> str:
    return "".join(c if c.isprintable() or c in " \n" else _json_escape(c) for c in s)


@given(_TEXT)
def test_clean_block_is_the_per_character_definition(text: str) -> None:
    assert clean_block(text) == _clean_reference(text)


@given(_TEXT)
def test_json_text_is_the_per_character_definition(text: str) -> None:
    assert json_text(text) == _json_reference(text)


def test_worked_examples() -> None:
    assert clean_block("a\tb\nc\x1b[2Jd\n") == "a\tb\nc [2Jd\n"
    assert json_text('{"a": "x\u202ey"}\n') == '{"a": "x\\u202ey"}\n'
    assert clean_block("line\u2028sep") == "line sep"
