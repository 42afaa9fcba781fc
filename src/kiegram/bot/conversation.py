"""The wizard conversation of one chat: load, answer, save, show."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from kiegram.bot.helper_button import improvable, with_improve
from kiegram.bot.prefill import skip_filled
from kiegram.bot.prices import PriceBook
from kiegram.bot.prompt_helper import HELPER_CREDITS
from kiegram.bot.render import Renderer
from kiegram.fsm.replay import replayed
from kiegram.i18n import Translator
from kiegram.wizard import Wizard
from kiegram.wizard.answers import Answer
from kiegram.wizard.view import Invalid, ScreenKind, Step, View

log = logging.getLogger(__name__)

OnFinish = Callable[["Conversation", View], Awaitable[None]]
Rows = list[list[InlineKeyboardButton]]


class Conversation:
    """One user's wizard: its stored state and the message that shows it."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        state: FSMContext,
        wizard: Wizard,
        translator: Translator,
        prices: PriceBook,
        lang: str,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.state = state
        self.wizard = wizard
        self.prices = prices
        self.lang = lang
        self.render = Renderer(translator, lang)
        self.translator = translator

    def t(self, key: str, **values: Any) -> str:
        """A bot message in the user's language."""
        return self.translator(self.lang, key, **values)

    def price(self, credits: Decimal | None) -> str | None:
        """A price text for KIE credits (None when the cost is unknown)."""
        return self.prices.credits_text(credits, self.t)

    async def load(self) -> tuple[dict[str, Any] | None, str]:
        """The stored wizard state and session id (None when no wizard is open)."""
        data = await self.state.get_data()
        return data.get("wz"), str(data.get("sid", ""))

    async def replayed(self) -> bool:
        """True when this update is Telegram's re-send of one already applied (`fsm.replay`)."""
        return await replayed(self.state)

    async def start(self, model_id: str) -> View:
        """Open the wizard for a model in a new session."""
        step = self.wizard.start(model_id, self.lang)
        sid = secrets.token_hex(3)
        await self.state.update_data(wz=step.state, sid=sid, wz_fill=False)
        await self.show(step.view, sid, new=True)
        return step.view

    async def start_filled(
        self, state: dict[str, Any], extra: str = "", rows: Rows | None = None
    ) -> View:
        """Open a wizard filled in from an earlier job (repeat, variation, result as input)."""
        sid = secrets.token_hex(3)
        state = {**state, "lang": self.lang}
        await self.state.update_data(wz=state, sid=sid, wz_fill=True)
        view = self.wizard.view(state)
        await self.show(view, sid, new=True, extra=extra, rows=rows)
        return view

    async def skip_filled(self, before: dict[str, Any], step: Step) -> Step:
        """In a filled-in wizard, pass the steps that already have values."""
        if not (await self.state.get_data()).get("wz_fill"):
            return step
        state = skip_filled(self.wizard.spec(step.state), before, step.state)
        if state is step.state:
            return step
        await self.state.update_data(wz=state)
        return Step(state, self.wizard.view(state))

    async def close(self) -> None:
        """Forget the wizard (cancel, confirm, or closed); its last message keeps no buttons."""
        await self._retire((await self.state.get_data()).get("wz_msg"))
        await self.state.update_data(wz=None, sid="", wz_msg=None, wz_fill=False)

    async def answer(self, answer: Answer) -> Step | Invalid | None:
        """Apply an answer; show the refusal when invalid; None when no wizard is open."""
        state, _sid = await self.load()
        if state is None:
            return None
        result = self.wizard.answer(state, answer)
        if isinstance(result, Invalid):
            await self.bot.send_message(self.chat_id, "⚠️ " + self.render.text(result.message))
            return result
        await self.state.update_data(wz=result.state)
        return result

    async def show(
        self, view: View, sid: str, new: bool = False, extra: str = "", rows: Rows | None = None
    ) -> None:
        """Edit the wizard's message in place, or send a new one and take the buttons off the
        old one (one live message: only the current step has buttons)."""
        text = self.render.body(view, self.price, extra)
        markup = self.render.keyboard(view, sid, self.price)
        if improvable(self.wizard.catalog.get(view.model_id), view):
            price = self.price(HELPER_CREDITS) or ""
            markup = with_improve(markup, sid, self.t("helper.btn.improve", price=price))
        if rows:
            markup = InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, *rows])
        message_id = (await self.state.get_data()).get("wz_msg")
        if message_id and not new:
            try:
                await self.bot.edit_message_text(
                    text, chat_id=self.chat_id, message_id=message_id, reply_markup=markup
                )
                return
            except TelegramBadRequest as exc:
                if "not modified" in str(exc):
                    return
        sent: Message = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
        await self.state.update_data(wz_msg=sent.message_id)
        await self._retire(message_id)

    async def _retire(self, message_id: Any) -> None:
        """Take the buttons off an earlier wizard message."""
        if not message_id:
            return
        try:
            await self.bot.edit_message_reply_markup(
                chat_id=self.chat_id, message_id=int(message_id), reply_markup=None
            )
        except TelegramBadRequest as exc:
            # Deleted by the user, too old to edit, or already without buttons: nothing to do.
            log.debug("old wizard message %s keeps its state: %s", message_id, exc)

    async def resend(self, sid: str) -> None:
        """Show the current screen again as a new message (after media or errors)."""
        state, _sid = await self.load()
        if state is not None:
            await self.show(self.wizard.view(state), sid, new=True)


def terminal(view: View) -> bool:
    """True for screens that end the wizard (the caller acts on them)."""
    return view.kind in (ScreenKind.CONFIRMED, ScreenKind.CANCELLED, ScreenKind.CLOSED)
