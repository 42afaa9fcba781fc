"""The "💬 Chat" section: pick a model, write (or send a photo or a voice message), read the
answer as it streams; "🆕 New chat", /cancel stops a running answer."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration as html

from kiegram.bot import keyboards
from kiegram.bot.callbacks import ChatAct, Go, Nav
from kiegram.bot.chat_desk import TYPICAL_IN, ChatDesk, new_conversation
from kiegram.bot.chat_types import Finished, Footer, Question, Refused
from kiegram.bot.chat_voice import Heard, Transcriber
from kiegram.bot.deps import Text
from kiegram.bot.desk import Desk
from kiegram.bot.filters import Presses, When
from kiegram.bot.inputs import TelegramMedia
from kiegram.bot.screens import edit_or_send
from kiegram.catalog.chat_models import ChatModel, ChatModels
from kiegram.fsm.replay import ONCE, guard
from kiegram.jobs.errors import MediaUnavailable


class ChatMode(StatesGroup):
    """Texts, photos and voice messages go to the chat model."""

    on = State()


IN_CHAT = StateFilter(ChatMode.on)
ONCE_FLAG = {ONCE: True}  # a re-sent question is not asked (nor charged) twice
REFUSALS = {"busy": "chat.busy", "too_long": "chat.too_long", "blocked": "chat.blocked"}


async def _session(state: FSMContext, models: ChatModels) -> tuple[ChatModel, str]:
    """The user's chat model and conversation (made on first use)."""
    data = (await state.get_data()).get("chat") or {}
    model = models.get(str(data.get("m", ""))) or models.default
    conv = str(data.get("c") or "")
    if not conv or data.get("m") != model.id:
        conv = conv or new_conversation()
        await state.update_data(chat={"m": model.id, "c": conv})
    return model, conv


def _amount(_: Text, units: int) -> str:
    return _("bot.price.amount", amount=units)


def section(
    chat_desk: ChatDesk, models: ChatModels, current: ChatModel, _: Text, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The section's text (how it works, what it costs, the models) and its buttons."""
    hold = chat_desk.rules.units(current.credits(TYPICAL_IN, current.max_output))
    lines = [
        _(
            "chat.title",
            model=html.quote(current.name.get(lang)),
            typical=_amount(_, chat_desk.per_message(current)),
            hold=_amount(_, hold),
        )
    ]
    kb = InlineKeyboardBuilder()
    for index, model in enumerate(models):
        price = _amount(_, chat_desk.per_message(model))
        mark = _("chat.images_mark") if model.images else ""
        lines.append(
            _(
                "chat.model_line",
                name=html.quote(model.name.get(lang)) + mark,
                description=html.quote(model.description.get(lang)),
                price=price,
            )
        )
        chosen = "✓ " if model.id == current.id else ""
        label = _("chat.btn.model", mark=chosen, name=model.name.get(lang), price=price)
        kb.row(InlineKeyboardButton(text=label, callback_data=ChatAct(a="m", i=index).pack()))
    kb.row(_new_button(_))
    kb.row(keyboards.back_to_menu(_))
    return "\n".join(lines), kb.as_markup()


def _new_button(_: Text) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("chat.btn.new"), callback_data=ChatAct(a="new").pack())


async def _show_section(
    state: FSMContext, chat_desk: ChatDesk, chat_models: ChatModels, _: Text, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    await state.set_state(ChatMode.on)
    model, _conv = await _session(state, chat_models)
    return section(chat_desk, chat_models, model, _, lang)


async def open_section(
    query: CallbackQuery,
    state: FSMContext,
    chat_desk: ChatDesk,
    chat_models: ChatModels,
    _: Text,
    lang: str,
) -> None:
    """💬 Chat from the menu."""
    await edit_or_send(query, *await _show_section(state, chat_desk, chat_models, _, lang))


async def chat_command(
    message: Message,
    state: FSMContext,
    chat_desk: ChatDesk,
    chat_models: ChatModels,
    _: Text,
    lang: str,
) -> None:
    """/chat: the section."""
    text, markup = await _show_section(state, chat_desk, chat_models, _, lang)
    await message.answer(text, reply_markup=markup)


async def act(
    query: CallbackQuery,
    callback_data: ChatAct,
    bot: Bot,
    state: FSMContext,
    chat_models: ChatModels,
    _: Text,
    lang: str,
) -> None:
    """A model picked, or a new chat."""
    await state.set_state(ChatMode.on)
    model, conv = await _session(state, chat_models)
    user = query.from_user.id
    if callback_data.a == "m":
        picked = chat_models.at(callback_data.i) or model
        await state.update_data(chat={"m": picked.id, "c": conv})
        text = _("chat.picked", model=html.quote(picked.name.get(lang)))
        await bot.send_message(user, text)
        return
    await state.update_data(chat={"m": model.id, "c": new_conversation()})
    await bot.send_message(user, _("chat.new_chat", model=html.quote(model.name.get(lang))))


def _footer(_: Text) -> Footer:
    def footer(question: Question, finished: Finished) -> tuple[str, InlineKeyboardMarkup | None]:
        name = question.model.name.get(question.lang)
        markup = InlineKeyboardMarkup(inline_keyboard=[[_new_button(_)]])
        if finished.outcome == "failed":
            return "\n\n" + _("chat.failed"), markup
        cut = _("chat.cut") if finished.cut else ""
        if finished.outcome == "cancelled":
            return _("chat.footer_stopped", units=finished.units, model=name), markup
        if finished.units == 0:
            return cut + _("chat.footer_free", model=name), markup
        return cut + _("chat.footer", units=finished.units, model=name), markup

    return footer


async def _ask(
    message: Message,
    state: FSMContext,
    chat_desk: ChatDesk,
    chat_models: ChatModels,
    desk: Desk,
    _: Text,
    lang: str,
    text: str,
    images: tuple[str, ...] = (),
) -> None:
    model, conv = await _session(state, chat_models)
    user = message.from_user
    if user is None:
        return
    question = Question(user.id, user.username, lang, model, conv, text, images)
    await _pose(question, chat_desk, desk, _)


async def _pose(question: Question, chat_desk: ChatDesk, desk: Desk, _: Text) -> None:
    """Ask the model; a refusal is told (with the top-up packs when credits are short)."""
    outcome = await chat_desk.ask(question, _footer(_))
    if not isinstance(outcome, Refused):
        return
    send = chat_desk.bot.send_message
    if outcome.why == "short":
        short = _(
            "chat.short", price=_amount(_, outcome.price), balance=_amount(_, outcome.balance)
        )
        rows = desk.pack_rows(_, outcome.price - outcome.balance)
        await send(question.user_id, short, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
        return
    await send(question.user_id, _(REFUSALS.get(outcome.why, "chat.blocked")))


async def ask_again(
    query: CallbackQuery,
    state: FSMContext,
    chat_desk: ChatDesk,
    chat_models: ChatModels,
    desk: Desk,
    _: Text,
    lang: str,
) -> None:
    """🔁 Ask again: the question an instance's death cut short, asked once more."""
    await state.set_state(ChatMode.on)
    user = query.from_user
    record = await chat_desk.answers.retry(user.id)
    if record is None:
        await chat_desk.bot.send_message(user.id, _("chat_recovery.again_gone"))
        return
    model = chat_models.get(record.model) or (await _session(state, chat_models))[0]
    await state.update_data(chat={"m": model.id, "c": record.conv})
    images = record.images if model.images else ()
    question = Question(user.id, user.username, lang, model, record.conv, record.question, images)
    await _pose(question, chat_desk, desk, _)


async def text_in(
    message: Message,
    state: FSMContext,
    chat_desk: ChatDesk,
    chat_models: ChatModels,
    desk: Desk,
    _: Text,
    lang: str,
) -> None:
    """A message to the model."""
    await _ask(message, state, chat_desk, chat_models, desk, _, lang, message.text or "")


async def photo_in(
    message: Message,
    state: FSMContext,
    chat_desk: ChatDesk,
    chat_models: ChatModels,
    chat_media: TelegramMedia,
    desk: Desk,
    _: Text,
    lang: str,
) -> None:
    """A photo (with its caption as the question) to a model that sees images."""
    model, _conv = await _session(state, chat_models)
    if not model.images:
        await message.answer(_("chat.no_images", model=html.quote(model.name.get(lang))))
        return
    if chat_desk.busy(message.chat.id):
        await message.answer(_("chat.busy"))
        return
    photo = (message.photo or [])[-1]
    try:
        url = await chat_media.resolve(f"tg:{photo.file_id}")
    except MediaUnavailable:
        await message.answer(_("chat.photo_failed"))
        return
    text = message.caption or _("chat.photo_default")
    await _ask(message, state, chat_desk, chat_models, desk, _, lang, text, (url,))


async def voice_in(
    message: Message,
    state: FSMContext,
    chat_desk: ChatDesk,
    chat_models: ChatModels,
    transcriber: Transcriber | None,
    desk: Desk,
    _: Text,
    lang: str,
) -> None:
    """A voice message: transcribed, the transcript shown, then asked."""
    voice = message.voice
    user = message.from_user
    if voice is None or user is None or transcriber is None:
        raise SkipHandler
    if chat_desk.busy(user.id):
        await message.answer(_("chat.busy"))
        return
    if message.bot is not None:
        await message.bot.send_chat_action(user.id, "typing")
    heard = await transcriber.transcribe(
        user.id, user.username, lang, voice.file_id, voice.duration
    )
    if not isinstance(heard, Heard):
        if heard.why == "short":
            text = _(
                "chat.voice_short", price=_amount(_, heard.price), balance=_amount(_, heard.balance)
            )
            rows = desk.pack_rows(_, heard.price - heard.balance)
            await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
        else:
            await message.answer(
                _("chat.blocked" if heard.why == "blocked" else "chat.voice_failed")
            )
        return
    if not heard.text:
        await message.answer(_("chat.voice_empty"))
        return
    await message.answer(_("chat.voice_heard", text=html.quote(heard.text)))
    await _ask(message, state, chat_desk, chat_models, desk, _, lang, heard.text)


async def cancel_answer(message: Message, chat_desk: ChatDesk, _: Text) -> None:
    """/cancel while an answer streams, on this instance or another: stop it (what was
    consumed is paid)."""
    stopped = None if message.from_user is None else await chat_desk.cancel(message.from_user.id)
    if stopped is None:
        raise SkipHandler  # nothing streaming: /cancel as everywhere else
    await message.answer(_("chat.stopped" if stopped == "stopped" else "chat_recovery.stopping"))


async def leave(event: Any, state: FSMContext) -> None:
    """A model's wizard started from the chat: texts go to the wizard from now on."""
    await state.set_state(None)
    raise SkipHandler


def build_router() -> Router:
    """A fresh router with the chat's handlers (before the helper's and the wizard's)."""
    router = guard(Router(name="chat"))
    router.callback_query.filter(Presses(Nav, ChatAct, Go))  # others' presses skip it
    router.callback_query.register(open_section, Nav.filter(F.to == "chat"))
    router.message.register(chat_command, Command("chat"))
    router.callback_query.register(ask_again, ChatAct.filter(F.a == "again"), flags=ONCE_FLAG)
    router.callback_query.register(act, ChatAct.filter(), flags=ONCE_FLAG)
    router.message.register(cancel_answer, Command("cancel"), IN_CHAT)
    router.message.register(leave, Command("model"), IN_CHAT)
    router.callback_query.register(leave, Go.filter(), IN_CHAT)
    router.message.register(
        text_in, IN_CHAT, When(F.text & ~F.text.startswith("/")), flags=ONCE_FLAG
    )
    router.message.register(photo_in, IN_CHAT, When(F.photo), flags=ONCE_FLAG)
    router.message.register(voice_in, IN_CHAT, When(F.voice), flags=ONCE_FLAG)
    return router
