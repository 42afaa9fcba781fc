"""One chat answer streamed into Telegram messages as it arrives.

The first piece is sent at once (the time to the first token the user sees); later pieces
are edited in at most once per `interval` seconds (Telegram allows about one edit a second
per chat), with a cursor while it streams. An answer longer than one message is cut at a
paragraph boundary: the full part is edited to its final text and the next one is sent as a
new message. The final edit waits out the interval too, and adds the footer and buttons.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from kiegram.bot.chat_html import split_parts, to_html

log = logging.getLogger(__name__)
CURSOR = " ▌"


class LiveAnswer:
    """The messages of one streamed answer in one chat."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.interval = interval
        self.clock = clock
        self.text = ""
        self.ids: list[int] = []  # one message per part
        self._shown: list[str] = []
        self._last_edit = -interval
        self.first_shown_at: float | None = None
        self.shown = ""  # the text on screen (recorded so another instance can settle it)

    @property
    def started(self) -> bool:
        """True once the first piece is on screen."""
        return bool(self.ids)

    async def add(self, piece: str) -> None:
        """Take the next piece; show it now if this is the first or an edit is due."""
        if not piece:
            return
        self.text += piece
        if not self.ids or self.clock() - self._last_edit >= self.interval:
            await self._show(final=False)

    async def finish(self, footer: str, markup: InlineKeyboardMarkup | None) -> None:
        """The final text with its footer and buttons (after the interval, if an edit was
        made just now)."""
        wait = self._last_edit + self.interval - self.clock()
        if self.ids and wait > 0:
            await asyncio.sleep(wait)
        await self._show(final=True, footer=footer, markup=markup)

    async def _show(
        self, final: bool, footer: str = "", markup: InlineKeyboardMarkup | None = None
    ) -> None:
        parts = split_parts(self.text) if self.text.strip() else []
        if not parts:
            if final and footer:
                await self._put(0, footer.strip(), markup, last=True)
            return
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            rendered = to_html(part)
            if last:
                rendered += footer if final else CURSOR
            await self._put(index, rendered, markup if last and final else None, last)
        self.shown = self.text

    async def _put(
        self, index: int, rendered: str, markup: InlineKeyboardMarkup | None, last: bool
    ) -> None:
        if index >= len(self.ids):
            sent = await self._send(rendered, markup)
            self.ids.append(sent)
            self._shown.append(rendered)
            self._last_edit = self.clock()  # the chat's rate counts sends too
            if self.first_shown_at is None:
                self.first_shown_at = self._last_edit
            return
        if self._shown[index] == rendered and markup is None:
            return
        wait = self._last_edit + self.interval - self.clock()
        if wait > 0:  # a finished part and the next one's edit in one go
            await asyncio.sleep(wait)
        await self._edit(self.ids[index], rendered, markup)
        self._shown[index] = rendered
        self._last_edit = self.clock()

    async def _send(self, rendered: str, markup: InlineKeyboardMarkup | None) -> int:
        try:
            message = await self.bot.send_message(self.chat_id, rendered, reply_markup=markup)
        except TelegramBadRequest as exc:  # should not happen: the HTML is checked
            log.warning("chat answer refused as HTML (%s): sent as plain text", exc.message)
            message = await self.bot.send_message(
                self.chat_id, _plain(rendered), reply_markup=markup, parse_mode=None
            )
        return message.message_id

    async def _edit(
        self, message_id: int, rendered: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        try:
            await self.bot.edit_message_text(
                rendered, chat_id=self.chat_id, message_id=message_id, reply_markup=markup
            )
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
            log.warning("chat answer edit refused (%s): sent as plain text", exc.message)
            await self.bot.edit_message_text(
                _plain(rendered),
                chat_id=self.chat_id,
                message_id=message_id,
                reply_markup=markup,
                parse_mode=None,
            )


def _plain(rendered: str) -> str:
    """The rendered text without its tags (sent with no parse mode)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))
