"""Text results as Telegram messages: one per lyrics take, cut at line ends within the limit."""

from __future__ import annotations

from kiegram.bot.text_parts import MESSAGE_LIMIT, text_parts
from kiegram.kie.lyrics_status import PART_BREAK


def test_each_part_is_its_own_message_and_html_is_escaped() -> None:
    text = f"🎵 A & B\n\n[Verse]\n<la la>{PART_BREAK}🎵 Two\n\nline"
    assert text_parts(text) == ["🎵 A &amp; B\n\n[Verse]\n&lt;la la&gt;", "🎵 Two\n\nline"]
    assert text_parts("") == [] and text_parts(" \n ") == []


def test_a_long_text_is_cut_at_line_ends_and_nothing_is_lost() -> None:
    lines = [f"line {n:04d} of a very long transcript, said slowly" for n in range(400)]
    parts = text_parts("\n".join(lines))
    assert len(parts) > 1
    assert all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts).split("\n") == lines  # every line once, in order, never split


def test_escaping_counts_toward_the_limit_and_a_huge_line_is_cut() -> None:
    parts = text_parts("&" * 3000, limit=4096)  # 3000 ampersands are 15000 characters escaped
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(parts) == "&amp;" * 3000
