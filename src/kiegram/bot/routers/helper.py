"""The prompt helper in the chat: ✨ Improve on a prompt step, the draft, the choice."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot import keyboards
from kiegram.bot.callbacks import Improve, Nav
from kiegram.bot.conversation import Conversation
from kiegram.bot.deps import Text
from kiegram.bot.desk import Desk, Outlook
from kiegram.bot.filters import Presses
from kiegram.bot.helper_button import improvable
from kiegram.bot.prompt_helper import Improved, PromptHelper
from kiegram.bot.screens import edit_or_send
from kiegram.fsm.replay import ONCE, guard
from kiegram.wizard import TextAnswer
from kiegram.wizard.view import ScreenKind, Step


class AwaitingDraft(Filter):
    """A text while the open wizard waits for a draft to improve (after ✨ without a prompt)."""

    async def __call__(self, message: Message, state: FSMContext) -> bool:
        if not message.text or message.text.startswith("/"):
            return False
        data = await state.get_data()
        return bool(data.get("hp_wait")) and data.get("hp_wait") == data.get("sid")


def _on_prompt(conv: Conversation, current: dict[str, Any]) -> str | None:
    """The prompt step's field when the wizard is on it (and it can be improved), else None."""
    view = conv.wizard.view(current)
    return view.field if improvable(conv.wizard.catalog.get(view.model_id), view) else None


async def improve(
    query: CallbackQuery,
    callback_data: Improve,
    conv: Conversation,
    desk: Desk,
    helper: PromptHelper,
    _: Text,
) -> None:
    """✨ Improve (rewrite the current prompt, or ask for a draft) and the choice after it."""
    user = query.from_user
    current, sid = await conv.load()
    if current is None:
        await edit_or_send(query, _("bot.wizard.no_wizard"), keyboards.menu_only(_))
        return
    field = _on_prompt(conv, current)
    if callback_data.s != sid or field is None:
        await conv.bot.send_message(conv.chat_id, _("bot.wizard.stale"))
        await conv.resend(sid)
        return
    if callback_data.a in ("new", "old"):
        await _pick(conv, current, field, callback_data.a == "new", sid, desk, user.id)
        return
    draft = current.get("values", {}).get(field)
    if isinstance(draft, str) and draft.strip():
        await _rewrite(conv, helper, current, field, draft, sid, user.username)
        return
    await conv.state.update_data(hp_wait=sid)
    name = conv.wizard.spec(current).name.get(conv.lang)
    await conv.bot.send_message(conv.chat_id, _("helper.ask_draft", model=html.quote(name)))


async def draft_typed(message: Message, conv: Conversation, helper: PromptHelper) -> None:
    """The draft after ✨: rewritten; a text on another step goes to the wizard as usual."""
    await conv.state.update_data(hp_wait=None)
    current, sid = await conv.load()
    field = _on_prompt(conv, current) if current is not None else None
    if current is None or field is None:
        raise SkipHandler
    username = message.from_user.username if message.from_user else None
    await _rewrite(conv, helper, current, field, message.text or "", sid, username)


async def _rewrite(
    conv: Conversation,
    helper: PromptHelper,
    current: dict[str, Any],
    field: str,
    draft: str,
    sid: str,
    username: str | None,
) -> None:
    spec = conv.wizard.spec(current)
    await conv.bot.send_chat_action(conv.chat_id, "typing")
    outcome = await helper.improve(conv.chat_id, username, conv.lang, spec, draft)
    if isinstance(outcome, Improved):
        better = outcome.text[: spec.input(field).max_length or None]
        await conv.state.update_data(hp={"sid": sid, "mine": draft, "better": better})
        text = conv.t(
            "helper.compare",
            mine=html.quote(draft),
            better=html.quote(better),
            english=conv.t("helper.english") if outcome.english else "",
        )
        await conv.bot.send_message(conv.chat_id, text, reply_markup=_choice(conv, sid))
        return
    if outcome.why == "short":
        text = conv.t(
            "helper.not_enough",
            price=_amount(conv, outcome.price),
            balance=_amount(conv, outcome.balance),
        )
        top_up = InlineKeyboardButton(
            text=conv.t("bot.btn.balance"), callback_data=Nav(to="bal").pack()
        )
        await conv.bot.send_message(
            conv.chat_id, text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[top_up]])
        )
        return
    key = "bot.wizard.blocked" if outcome.why == "blocked" else "helper.failed"
    await conv.bot.send_message(conv.chat_id, conv.t(key))
    await conv.resend(sid)


def _amount(conv: Conversation, units: int) -> str:
    return conv.t("bot.price.amount", amount=units)


def _choice(conv: Conversation, sid: str) -> InlineKeyboardMarkup:
    take = InlineKeyboardButton(
        text=conv.t("helper.btn.take"), callback_data=Improve(a="new", s=sid).pack()
    )
    keep = InlineKeyboardButton(
        text=conv.t("helper.btn.keep"), callback_data=Improve(a="old", s=sid).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[take], [keep]])


async def _pick(
    conv: Conversation,
    current: dict[str, Any],
    field: str,
    improved: bool,
    sid: str,
    desk: Desk,
    user_id: int,
) -> None:
    """The chosen version as the prompt step's answer; the wizard goes on from there."""
    versions = (await conv.state.get_data()).get("hp") or {}
    if versions.get("sid") != sid:
        await conv.bot.send_message(conv.chat_id, conv.t("bot.wizard.stale"))
        await conv.resend(sid)
        return
    await conv.state.update_data(hp=None, hp_wait=None)
    result = await conv.answer(TextAnswer(versions["better" if improved else "mine"]))
    if not isinstance(result, Step):
        await conv.resend(sid)
        return
    step = await conv.skip_filled(current, result)
    outlook = Outlook()
    if step.view.kind is ScreenKind.CONFIRM:
        spec = conv.wizard.spec(step.state)
        outlook = await desk.outlook(spec, dict(step.state["values"]), user_id, conv.t)
    await conv.show(step.view, sid, new=True, extra=outlook.text, rows=outlook.rows)


def build_router() -> Router:
    """A fresh router with the helper's handlers (before the wizard's: it takes the draft)."""
    router = guard(Router(name="helper"))
    router.callback_query.filter(Presses(Improve))  # others' presses skip this router
    router.callback_query.register(improve, Improve.filter(), flags={ONCE: True})
    router.message.register(draft_typed, AwaitingDraft(), flags={ONCE: True})
    return router
