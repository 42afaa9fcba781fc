"""One conversation per update: the middleware builds it, handlers only name `conv`."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Chat, TelegramObject, User

from kiegram.billing import PriceRules
from kiegram.bot.conversation import Conversation
from kiegram.bot.middlewares import ConversationMiddleware
from kiegram.bot.prices import PriceBook
from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.wizard import Wizard

BOT = Path(__file__).parents[2] / "src" / "kiegram" / "bot"


def _data(**changes: Any) -> dict[str, Any]:
    bot = Bot("123456:TEST-token")
    state = FSMContext(MemoryStorage(), StorageKey(bot_id=123456, chat_id=42, user_id=7))
    return {
        "bot": bot,
        "state": state,
        "event_chat": Chat(id=42, type="private"),
        "event_from_user": User(id=7, is_bot=False, first_name="A"),
        "wizard": Wizard(load_catalog()),
        "translator": load_translator(),
        "prices": PriceBook(PriceRules()),
        "lang": "en",
        **changes,
    }


async def _seen(data: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def handler(event: TelegramObject, handed: dict[str, Any]) -> None:
        seen.update(handed)

    await ConversationMiddleware()(handler, User(id=7, is_bot=False, first_name="A"), data)
    return seen


async def test_the_handler_gets_the_chats_conversation_in_the_users_language() -> None:
    data = _data()
    conv = (await _seen(data))["conv"]
    assert isinstance(conv, Conversation)
    assert (conv.chat_id, conv.lang, conv.state, conv.bot) == (42, "en", data["state"], data["bot"])
    assert conv.t("bot.price.free") == "free"
    await conv.state.update_data(wz={"model": "x"}, sid="abc")
    assert (await conv.load()) == ({"model": "x"}, "abc")
    await data["bot"].session.close()


async def test_a_press_on_a_message_out_of_sight_is_the_users_chat() -> None:
    data = _data(event_chat=None)
    assert (await _seen(data))["conv"].chat_id == 7
    await data["bot"].session.close()


async def test_no_conversation_without_a_state_or_a_wizard() -> None:
    for changes in ({"state": None}, {"wizard": None}):
        data = _data(**changes)
        assert "conv" not in await _seen(data)
        await data["bot"].session.close()


def test_only_the_middleware_builds_a_conversation() -> None:
    builders = []
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Conversation"
            ):
                builders.append(path.relative_to(BOT).as_posix())
    assert builders == ["middlewares.py"]
