"""Telegram re-sending an update: the same update (same `update_id`) fed twice through the
real dispatcher, and what the bot said to the user after each delivery."""

from __future__ import annotations

import time
from itertools import count
from typing import Any

from aiogram.types import Update
from kit import FakeTelegram, FakeUser
from kit.telegram_calls import Call

from kiegram.app import App

DONE = "Это уже сделано"  # the answer to a re-send whose effect is stored
_ids = count(700_000)
SAYING = ("sendmessage", "editmessagetext", "answercallbackquery", "sendphoto", "senddocument")


def message(app: App, user: FakeUser, **content: Any) -> Update:
    """A new update of a message from `user` (`text=`, `successful_payment=`...)."""
    text = str(content.get("text", ""))
    if text.startswith("/"):
        length = len(text.split()[0])
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    raw = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": user.id, "type": "private"},
        "from": user.profile,
        **content,
    }
    return Update.model_validate(
        {"update_id": next(_ids), "message": raw}, context={"bot": app.bot}
    )


def press(app: App, user: FakeUser, text: str) -> Update:
    """A new update of a press on the newest button containing `text`."""
    shown, data = user.find_button(text)
    update_id = next(_ids)
    query = {
        "id": str(update_id),
        "from": user.profile,
        "chat_instance": "1",
        "message": shown,
        "data": data,
    }
    raw = {"update_id": update_id, "callback_query": query}
    return Update.model_validate(raw, context={"bot": app.bot})


def said(telegram: FakeTelegram, user: FakeUser, since: int) -> list[Call]:
    """What the bot sent, edited or answered to `user` after call `since`."""
    return [
        c
        for c in telegram.calls[since:]
        if c.method in SAYING
        and (
            str(c.params.get("chat_id")) == str(user.id)
            or (c.method == "answercallbackquery" and c.params.get("text"))
        )
    ]


def words(calls: list[Call]) -> str:
    """The texts (and callback answers) of `calls`, one per line."""
    return "\n".join(str(c.params.get("text") or c.params.get("caption") or "") for c in calls)


async def twice(app: App, telegram: FakeTelegram, user: FakeUser, update: Update) -> list[str]:
    """Feed `update`, then its re-send; what the user was told after each."""
    told = []
    for _delivery in range(2):
        since = len(telegram.calls)
        await app.dp.feed_update(app.bot, update)
        told.append(words(said(telegram, user, since)))
    return told
