"""A chat model's Markdown as Telegram HTML that always parses, and long answers cut into
messages at paragraph boundaries.

Everything is escaped first; then a safe subset is converted: fenced code (``<pre>``),
inline code, bold, italic, strikethrough, headings (bold), links with an http(s) address,
bullets. A half-streamed answer's open code fence is closed. Should the conversions ever
nest badly (``*a **b* c**``), the text is sent escaped with only its code converted.
"""

from __future__ import annotations

import html
import re

TELEGRAM_LIMIT = 4096
PART_LIMIT = 3800  # visible characters per message (markup removed, some room to spare)

_FENCE = re.compile(r"```(?:[\w+#.-]*\n)?(.*?)(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_TAG = re.compile(r"<(/?)(b|i|s|code|pre|a)(?:\s[^>]*)?>")
_PLACEHOLDER = "\x00{}\x00"


def to_html(markdown: str) -> str:
    """Telegram HTML for a model's Markdown (never fails to parse)."""
    codes: list[str] = []

    def keep(rendered: str) -> str:
        codes.append(rendered)
        return _PLACEHOLDER.format(len(codes) - 1)

    text = markdown.replace("\x00", "")
    text = _FENCE.sub(
        lambda m: keep(f"<pre>{html.escape(m.group(1).rstrip(), quote=False)}</pre>"), text
    )
    text = _INLINE_CODE.sub(
        lambda m: keep(f"<code>{html.escape(m.group(1), quote=False)}</code>"), text
    )
    plain = html.escape(text, quote=False)
    rich = _inline(plain)
    if not balanced(rich):
        rich = plain
    return re.sub("\x00(\\d+)\x00", lambda m: codes[int(m.group(1))], rich)


def _inline(text: str) -> str:
    text = _HEADING.sub(r"<b>\1</b>", text)
    text = _BULLET.sub(r"\1• ", text)
    text = _LINK.sub(
        lambda m: f'<a href="{m.group(2).replace(chr(34), "%22")}">{m.group(1)}</a>', text
    )
    text = _BOLD.sub(lambda m: f"<b>{m.group(1) or m.group(2)}</b>", text)
    text = _STRIKE.sub(r"<s>\1</s>", text)
    return _ITALIC.sub(lambda m: f"<i>{m.group(1) or m.group(2)}</i>", text)


def balanced(rendered: str) -> bool:
    """True when every tag we make is closed in order (what Telegram's parser demands)."""
    stack: list[str] = []
    for match in _TAG.finditer(rendered):
        closing, name = match.group(1), match.group(2)
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def visible_length(rendered: str) -> int:
    """How many characters Telegram counts in rendered HTML (tags removed, entities one)."""
    return len(html.unescape(re.sub(r"<[^>]+>", "", rendered)))


def split_parts(markdown: str, limit: int = PART_LIMIT) -> list[str]:
    """The answer in parts of at most `limit` characters, cut between paragraphs (then
    lines, then words) and never inside a code fence when a paragraph cut is possible."""
    parts: list[str] = []
    rest = markdown.strip()
    while len(rest) > limit:
        cut = _cut_at(rest, limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    if rest or not parts:
        parts.append(rest)
    return parts


def _cut_at(text: str, limit: int) -> int:
    window = text[:limit]
    for sep in ("\n\n", "\n", " "):
        at = _outside_fence(window, sep)
        if at > limit // 3:
            return at
    return limit


def _outside_fence(window: str, sep: str) -> int:
    """The last `sep` in `window` that is not inside a code fence (-1 when none)."""
    at = window.rfind(sep)
    while at > 0 and window[:at].count("```") % 2 == 1:
        at = window.rfind(sep, 0, at)
    return at
