"""The wizard in Telegram: start a model, answer with text, files, albums and buttons."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from kiegram.bot import followups, keyboards
from kiegram.bot.albums import AlbumCollector, Finish
from kiegram.bot.callbacks import Go, Wz
from kiegram.bot.conversation import Conversation, terminal
from kiegram.bot.deps import Text
from kiegram.bot.desk import Desk, Outlook
from kiegram.bot.filters import Presses, When
from kiegram.bot.media import media_refs
from kiegram.bot.menus import Menus
from kiegram.bot.screens import edit_or_send
from kiegram.catalog import Catalog, ModelSpec
from kiegram.catalog.followups import is_followup
from kiegram.storage.jobs_history import SqlJobHistory
from kiegram.wizard import Action, MediaAnswer, MediaRef, Press, TextAnswer
from kiegram.wizard.view import Invalid, ScreenKind, Step

FOLLOWUP_PARENTS_READ = 50  # the newest jobs searched for a follow-up's parents
STALE = "wizard.err_stale"  # the wizard's refusal of a button its current step does not have


async def go(
    query: CallbackQuery,
    callback_data: Go,
    conv: Conversation,
    catalog: Catalog,
    history: SqlJobHistory,
    _: Text,
) -> None:
    """Start a model's wizard from a card, the menu or a deep link."""
    if await _shown_again(conv):
        return
    spec = catalog.get(callback_data.code)
    if spec is None or not spec.usable:
        await edit_or_send(query, _("bot.model_gone"), keyboards.menu_only(_))
        return
    await _open(conv, spec, history, catalog, _)


async def model_command(
    message: Message,
    command: CommandObject,
    conv: Conversation,
    catalog: Catalog,
    history: SqlJobHistory,
    _: Text,
) -> None:
    """/model <id or code>: start a model directly."""
    if await _shown_again(conv):
        return
    spec = catalog.get((command.args or "").strip())
    if spec is None or not spec.usable:
        await message.answer(_("bot.model_gone"), reply_markup=keyboards.menu_only(_))
        return
    await _open(conv, spec, history, catalog, _)


async def _open(
    conv: Conversation, spec: ModelSpec, history: SqlJobHistory, catalog: Catalog, _: Text
) -> None:
    """A model's first screen; a follow-up first asks which earlier result it takes."""
    if is_followup(spec):
        jobs = await history.page(conv.chat_id, 0, FOLLOWUP_PARENTS_READ)
        await followups.pick(spec, jobs, conv, catalog, _)
        return
    await conv.start(spec.id)


async def press(
    query: CallbackQuery, callback_data: Wz, conv: Conversation, menus: Menus, desk: Desk, _: Text
) -> None:
    """A wizard button; buttons of an earlier session explain themselves."""
    # A re-sent confirm goes on: the desk finds its job stored and announces it.
    if callback_data.a != Action.CONFIRM and await _shown_again(conv):
        return
    current, sid = await conv.load()
    if current is None:
        await edit_or_send(query, _("bot.wizard.no_wizard"), keyboards.menu_only(_))
        return
    if callback_data.s != sid:
        await conv.bot.send_message(conv.chat_id, _("bot.wizard.stale"))
        await conv.resend(sid)
        return
    arg: int | str | None = int(callback_data.i) if callback_data.i.isdigit() else None
    try:
        action = Action(callback_data.a)
    except ValueError:
        await conv.resend(sid)
        return
    result = await conv.answer(Press(action, arg))
    if isinstance(result, Invalid) and result.key == STALE:
        # A button of an earlier step of this session: a kill can leave the stored step one
        # ahead of the screen (`fsm.save_first`), so the current step is shown again.
        await conv.resend(sid)
    elif isinstance(result, Step):
        await _after(
            conv,
            current,
            result,
            sid,
            menus,
            desk,
            query.from_user.id,
            query.from_user.username,
            _,
        )


async def typed(
    message: Message,
    conv: Conversation,
    menus: Menus,
    desk: Desk,
    albums: AlbumCollector,
    _: Text,
) -> None:
    """Text, photos, files, video, audio and voice while a wizard is open."""
    if await _shown_again(conv):
        return
    current, sid = await conv.load()
    if current is None:
        await message.answer(_("bot.unexpected_input"), reply_markup=keyboards.menu_only(_))
        return
    refs = media_refs(message)
    if message.media_group_id and refs:
        await albums.add(message.chat.id, message.media_group_id, refs, conv, sid)
        return
    caption = message.caption or ""
    answer = MediaAnswer(tuple(refs), caption) if refs else TextAnswer(message.text or caption)
    result = await conv.answer(answer)
    if isinstance(result, Invalid):
        await conv.resend(sid)
    elif isinstance(result, Step):
        user = message.from_user
        await _after(
            conv,
            current,
            result,
            sid,
            menus,
            desk,
            message.chat.id,
            user.username if user else None,
            _,
            new=True,
        )


async def _shown_again(conv: Conversation) -> bool:
    """Telegram re-sent an update whose step was stored before its instance died (or its
    answer was lost): the current screen is shown again, the answer not applied twice."""
    if not await conv.replayed():
        return False
    current, sid = await conv.load()
    if current is None:  # it closed the wizard: the handler says so (and shows the menu)
        return False
    await conv.resend(sid)
    return True


async def _after(
    conv: Conversation,
    before: dict[str, Any],
    step: Step,
    sid: str,
    menus: Menus,
    desk: Desk,
    user_id: int,
    username: str | None,
    _: Text,
    new: bool = False,
) -> None:
    """Show the next screen, or act on a terminal one."""
    view = step.view
    if not terminal(view):
        step = await conv.skip_filled(before, step)
        outlook = Outlook()
        spec = menus.catalog.get(step.view.model_id)
        if step.view.kind is ScreenKind.CONFIRM and spec is not None:
            outlook = await desk.outlook(spec, dict(step.state["values"]), user_id, conv.t)
        await conv.show(step.view, sid, new=new, extra=outlook.text, rows=outlook.rows)
        return
    spec = menus.catalog.get(view.model_id)
    if view.kind is ScreenKind.CONFIRMED and spec is not None:
        # Back on the confirm screen until the charge succeeds (a top-up, then confirm again).
        await conv.state.update_data(wz=before)
        await desk.confirm(conv, spec, dict(step.state.get("values", {})), user_id, username, sid)
        return
    await conv.close()
    menu = await menus.main(conv.lang)
    key = "bot.cancelled" if view.kind is ScreenKind.CANCELLED else "bot.menu_title"
    await conv.bot.send_message(conv.chat_id, _(key), reply_markup=menu)


async def cancel_command(
    message: Message, state: FSMContext, menus: Menus, _: Text, lang: str
) -> None:
    """/cancel anywhere: close the wizard and show the menu."""
    data = await state.get_data()
    key = "bot.cancelled" if data.get("wz") else "bot.nothing_to_cancel"
    await state.update_data(wz=None, sid="", wz_msg=None)
    await message.answer(_(key), reply_markup=await menus.main(lang))


def build_router() -> Router:
    """A fresh router with the wizard's handlers."""
    router = Router(name="wizard")
    router.callback_query.filter(Presses(Go, Wz))  # others' presses skip this router
    router.message.register(cancel_command, Command("cancel"))
    router.message.register(model_command, Command("model"))
    router.callback_query.register(go, Go.filter())
    router.callback_query.register(press, Wz.filter())
    router.message.register(typed, When(~F.text.startswith("/")), When(~F.successful_payment))
    return router


def album_finisher(menus: Menus, desk: Desk) -> Finish:
    """What to do with a collected album: one media answer to the open wizard."""

    async def finish(conv: Conversation, items: list[MediaRef], sid: str) -> None:
        current, current_sid = await conv.load()
        if current is None or current_sid != sid:
            return
        result = await conv.answer(MediaAnswer(tuple(items)))
        if isinstance(result, Invalid):
            await conv.resend(sid)
        elif isinstance(result, Step):
            _ = conv.t
            await _after(conv, current, result, sid, menus, desk, conv.chat_id, None, _, True)

    return finish
