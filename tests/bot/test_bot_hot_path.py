"""The per-update shortcuts keep what they replace: routing, callback data, bodies, JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram import Bot, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, User

from kiegram.bot.callbacks import Go, Nav, Wz, wz_data
from kiegram.bot.dispatcher import build_dispatcher
from kiegram.bot.filters import Presses
from kiegram.bot.session import BotApiSession
from kiegram.i18n import load_translator
from kiegram.scale.update_body import MAX_DEPTH, read_update


def routers(router: Router) -> list[Router]:
    return [router, *(r for sub in router.sub_routers for r in routers(sub))]


def test_a_router_that_filters_presses_lets_in_every_kind_its_handlers_take() -> None:
    dp = build_dispatcher(MemoryStorage(), load_translator())
    filtered = 0
    for router in routers(dp):
        observer = router.callback_query
        presses = [f.callback for f in observer._handler.filters or []]
        presses = [f for f in presses if isinstance(f, Presses)]
        if not presses:
            continue
        filtered += 1
        assert not router.sub_routers, f"{router.name}: its sub-routers would be skipped too"
        for handler in observer.handlers:
            kinds = [
                f.callback.callback_data
                for f in handler.filters or []
                if isinstance(f.callback, CallbackQueryFilter)
            ]
            where = f"{router.name}:{handler.callback.__name__}"
            assert kinds, f"{where} takes presses of no CallbackData kind"
            assert all(kind.__prefix__ in presses[0].prefixes for kind in kinds), where
    assert filtered >= 8  # menu, balance, chat, helper, history, past, results, wizard


def press(data: str | None) -> CallbackQuery:
    user = User(id=1, is_bot=False, first_name="A")
    return CallbackQuery(id="1", from_user=user, chat_instance="c", data=data)


async def test_presses_passes_its_kinds_by_prefix_only() -> None:
    presses = Presses(Nav, Go)
    assert await presses(press(Nav(to="sec", arg="0").pack()))
    assert await presses(press(Go(code="z").pack()))
    assert not await presses(press(Wz(a="ok").pack()))
    assert not await presses(press("nav:sec"))  # a longer prefix starting alike
    assert not await presses(press(None))


@pytest.mark.parametrize(
    ("a", "i", "s"), [("next", "", "abc123"), ("pick", "12", "s"), ("ok", "", ""), ("ё", "é", "x")]
)
def test_wizard_data_packs_as_aiogram_packs_it(a: str, i: str, s: str) -> None:
    assert wz_data(a, i, s) == Wz(a=a, i=i, s=s).pack()
    assert Wz.unpack(wz_data(a, i, s)) == Wz(a=a, i=i, s=s)


@pytest.mark.parametrize(("a", "i"), [("x", "a" * 70), ("x", "a:b"), ("x", "é" * 31)])
def test_wizard_data_aiogram_refuses_is_refused_alike(a: str, i: str) -> None:
    with pytest.raises(ValueError):
        Wz(a=a, i=i, s="s").pack()
    with pytest.raises(ValueError):
        wz_data(a, i, "s")


def pressed_update(keyboard: dict[str, Any]) -> dict[str, Any]:
    message = {"message_id": 5, "date": 0, "chat": {"id": 1, "type": "private"}}
    query = {"id": "q", "chat_instance": "c", "data": "w:ok::s", "message": message}
    query["from"] = {"id": 1, "is_bot": False, "first_name": "A"}
    message["reply_markup"] = keyboard
    return {"update_id": 7, "callback_query": query}


def test_a_webhook_press_loses_the_pressed_messages_keyboard_only() -> None:
    rows = [[{"text": f"b{n}", "callback_data": f"w:pick:{n}:s"}] for n in range(30)]
    body = read_update(json.dumps(pressed_update({"inline_keyboard": rows})).encode())
    assert body.update is not None
    message = body.update["callback_query"]["message"]
    assert "reply_markup" not in message
    assert message["message_id"] == 5
    assert body.update["callback_query"]["data"] == "w:ok::s"


def test_nesting_is_still_refused_with_or_without_many_brackets() -> None:
    deep: Any = "x"
    for _ in range(MAX_DEPTH + 2):
        deep = [deep]
    update = {"update_id": 8, "message": {"text": "a", "entities": deep}}
    assert read_update(json.dumps(update).encode()).refused == "too_deep"
    shallow = {"update_id": 9, "message": {"text": "[" * 200 + "{" * 200}}
    assert read_update(json.dumps(shallow).encode()).refused == ""  # brackets in a text
    wide = {"update_id": 10, "message": {"entities": [{"n": [n]} for n in range(60)]}}
    assert read_update(json.dumps(wide).encode()).refused == ""  # many, none deep


async def test_a_request_body_is_what_aiograms_preparing_gives() -> None:
    session = BotApiSession(TelegramAPIServer.from_base("http://127.0.0.1:9"))
    bot = Bot("1:a", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="a", callback_data="w:a::s")],
            [
                InlineKeyboardButton(text="b", url="https://example.org"),
                InlineKeyboardButton(text="c", callback_data="w:c:1:s"),
            ],
        ]
    )
    method = SendMessage(chat_id=1, text="hi", reply_markup=markup, disable_notification=False)
    files: dict[str, Any] = {}
    expected = {
        key: prepared
        for key, value in method.model_dump(warnings=False, exclude_none=True).items()
        if (prepared := session.prepare_value(value, bot=bot, files=files, _dumps_json=False))
        not in (None, "")
    }
    body = session.build_json(bot, method)
    assert body is not None
    assert json.loads(body) == expected
    assert json.loads(body)["parse_mode"] == "HTML"  # aiogram's default, resolved
    await bot.session.close()
