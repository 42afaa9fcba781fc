"""A text result as Telegram messages: one per part (a lyrics variant), each within the limit.

Telegram refuses a message over 4096 characters (after entities are parsed); a long text is
cut at line ends, a line longer than a message at the limit. Each piece is HTML-escaped.
"""

from __future__ import annotations

from aiogram.utils.text_decorations import html_decoration as html

from kiegram.kie.lyrics_status import PART_BREAK

MESSAGE_LIMIT = 4096


def _fits(text: str, limit: int) -> bool:
    return len(html.quote(text)) <= limit


def _cut_line(line: str, limit: int) -> list[str]:
    """A line too long for one message, in pieces that fit (escaping counted)."""
    pieces: list[str] = []
    while not _fits(line, limit):
        size = limit
        while size > 1 and not _fits(line[:size], limit):
            size = size * 9 // 10
        pieces.append(line[:size])
        line = line[size:]
    return [*pieces, line]


def _chunks(part: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    for whole in part.split("\n"):
        for line in _cut_line(whole, limit):
            if current and not _fits("\n".join([*current, line]), limit):
                chunks.append("\n".join(current))
                current = []
            current.append(line)
    chunks.append("\n".join(current))
    return [c.strip("\n") for c in chunks if c.strip()]


def text_parts(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The messages (escaped HTML) a text result is sent as, in order; none for blank text."""
    return [html.quote(c) for part in text.split(PART_BREAK) for c in _chunks(part, limit)]
