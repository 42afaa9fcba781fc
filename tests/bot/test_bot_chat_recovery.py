"""A chat answer whose instance dies mid-answer is settled within seconds by a survivor (or
at once by the restarted instance itself): what the user saw is captured and kept in the
conversation, nothing shown is given back, and the user gets a one-tap "ask again". Real
storage (SQLite and PostgreSQL); the death is the dying desk's task abandoned: from one
moment on, nothing it awaits ever returns (no cleanup runs, its lease is never renewed)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from chat_kit import EDIT_SECONDS, chat_desk, edit_limited, funded, money
from journey_kit import started
from kit import FakeTelegram, FakeUser
from kit.databases import create_pg_database, drop_pg_database
from sqlalchemy import select

from kiegram.app import App
from kiegram.bot.chat_desk import ChatDesk
from kiegram.bot.chat_recovery import ChatRecovery
from kiegram.bot.chat_types import Finished, Question, Started
from kiegram.catalog.chat_models import ChatModels
from kiegram.i18n.translator import load_translator
from kiegram.kie.chat import ChatMessage
from kiegram.kie.chat_stream import ChatChunk
from kiegram.storage.chat_answers import ChatAnswerRow
from kiegram.storage.chat_history import SqlChatHistory

PIECES = ("Жил-был кот. ", "Он любил молоко ", "и долгие прогулки по крышам.")


class Death:
    """Once `come()` is called, every call through it waits forever (a killed process)."""

    def __init__(self) -> None:
        self.dead = asyncio.Event()
        self._never: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def come(self) -> None:
        self.dead.set()

    async def gate(self) -> None:
        if self.dead.is_set():
            await self._never

    async def bury(self, desk: ChatDesk) -> None:
        """End of the test: the abandoned task ends (what it awaits raises), unsettled."""
        if not self._never.done():
            self._never.set_exception(RuntimeError("dead"))
        tasks = list(desk.running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class Mortal:
    """Any store, through a `Death`."""

    def __init__(self, inner: Any, death: Death) -> None:
        self._inner = inner
        self._death = death

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            await self._death.gate()
            result = await method(*args, **kwargs)
            await self._death.gate()
            return result

        return call


class HangingChat:
    """A model that streams `pieces` and then never says another word."""

    def __init__(self, pieces: Sequence[str]) -> None:
        self.pieces = pieces
        self.hanging = asyncio.Event()

    async def stream(
        self, messages: Sequence[ChatMessage], *, model: str = ""
    ) -> AsyncGenerator[ChatChunk, None]:
        for piece in self.pieces:
            yield ChatChunk(piece)
            await asyncio.sleep(EDIT_SECONDS + 0.05)  # each piece its own edit
        self.hanging.set()
        await asyncio.Event().wait()
        yield ChatChunk(done=True)  # pragma: no cover


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {}
        return
    url = await create_pg_database("kiegram_chat_recovery")
    yield {"database_url": url}
    await drop_pg_database(url)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with edit_limited() as server:
        yield server


@pytest.fixture
async def bot(
    telegram: FakeTelegram, tmp_path: Path, database: dict[str, str]
) -> AsyncIterator[App]:
    async with started(
        telegram, tmp_path, free_daily_generations=0, chat_edit_seconds=EDIT_SECONDS, **database
    ) as app:
        yield app


async def dying_desk(
    app: App, chat: HangingChat, owner: str, lease: float
) -> tuple[ChatDesk, Death]:
    """Another instance's desk on the same storage and Telegram, that can be killed."""
    desk = chat_desk(app)
    death = Death()
    dying = dataclasses.replace(
        desk,
        chat=chat,
        answers=Mortal(desk.answers, death),  # type: ignore[arg-type]
        flags=Mortal(desk.flags, death),  # type: ignore[arg-type]
        ledger=Mortal(desk.ledger, death),  # type: ignore[arg-type]
        history=Mortal(desk.history, death),  # type: ignore[arg-type]
        owner=owner,
        lease=lease,
        running={},
        finished={},
    )
    return dying, death


async def recorded(app: App, user: FakeUser, words: str) -> None:
    """Wait until the user's answer in flight is recorded as showing `words`."""
    for _ in range(50):
        async with app.engine.connect() as conn:
            found = await conn.execute(
                select(ChatAnswerRow.shown).where(ChatAnswerRow.user_id == user.id)
            )
            if words in str(found.scalar_one_or_none() or ""):
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{words!r} never recorded as shown")


def footer(question: Question, finished: Finished) -> tuple[str, None]:
    return "\n\n<i>done</i>", None


async def ask(app: App, desk: ChatDesk, user: FakeUser, text: str) -> None:
    await user.send("/chat")  # in the chat: "ask again" lands there too
    models: ChatModels = app.dp["chat_models"]
    question = Question(user.id, None, "ru", models.default, "c0nv", text)
    assert isinstance(await desk.ask(question, footer), Started)


async def asked_of_a_dying_instance(
    app: App, user: FakeUser, pieces: Sequence[str], owner: str, lease: float, text: str
) -> tuple[ChatDesk, Death]:
    """The user (with 100 credits) asks `text` of another instance's desk, whose model
    streams `pieces` and then hangs."""
    await funded(app, user, 100)
    chat = HangingChat(pieces)
    dying, death = await dying_desk(app, chat, owner, lease)
    await ask(app, dying, user, text)
    await asyncio.wait_for(chat.hanging.wait(), 10)
    return dying, death


async def test_a_killed_answer_is_captured_for_what_was_shown_and_can_be_asked_again(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(901)
    question = "Расскажи сказку про кота"
    dying, death = await asked_of_a_dying_instance(bot, user, PIECES, "dead:1", 1.5, question)
    held = (await money(bot, user))[1]
    assert held > 0
    await telegram.wait_for(lambda: "по крышам" in user.last_text(), timeout=10)
    await recorded(bot, user, "по крышам")  # the last edit recorded
    death.come()  # killed: no settlement, no renewal, no footer

    await telegram.wait_for(lambda: "оборвался" in user.last_text(), timeout=20)
    notice = user.last_text()
    balance, still_held = await money(bot, user)
    charged = 100 - balance
    assert still_held == 0 and 1 <= charged < held  # what was shown, not the whole hold
    assert f"Списано {charged} кредит" in notice and "показанную часть" in notice
    assert user.buttons() == ["🔁 Спросить снова", "🆕 Новый чат"]
    cut = next(m for m in user.chat() if "Жил-был кот" in str(m.get("text")))
    assert "▌" not in cut["text"] and "по крышам" in cut["text"]  # the cursor taken off
    history = await SqlChatHistory(bot.engine, 200).recent(user.id, "c0nv", 10)
    assert [(m.role, m.content) for m in history] == [
        ("user", "Расскажи сказку про кота"),
        ("assistant", "".join(PIECES)),
    ]

    await user.click("🔁 Спросить снова")
    await telegram.wait_for(lambda: "<i>−" in user.last_text(), timeout=20)
    again = user.last_text()
    assert "«Расскажи сказку про кота»" in again and "(sandbox) got message 2" in again
    assert (await money(bot, user))[1] == 0
    await user.click("🔁 Спросить снова")  # asked already: nothing left to ask again
    assert "уже задан заново" in user.last_text()
    await death.bury(dying)


async def test_a_killed_answer_nothing_of_which_was_shown_is_given_back(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(902)
    dying, death = await asked_of_a_dying_instance(bot, user, (), "dead:2", 1.5, "Погода?")
    assert (await money(bot, user))[1] > 0
    death.come()

    await telegram.wait_for(lambda: "не пришёл" in user.last_text(), timeout=20)
    assert "вернулись" in user.last_text()
    assert "🔁 Спросить снова" in user.buttons()
    assert await money(bot, user) == (100, 0)
    assert await SqlChatHistory(bot.engine, 200).count(user.id) == 0
    await death.bury(dying)


async def test_a_restarted_instance_settles_its_own_answers_at_once(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(903)
    me = "restarted-host:1"  # its lease (600 s) far from over when it dies
    dying, death = await asked_of_a_dying_instance(bot, user, PIECES[:1], me, 600, "Привет")
    await recorded(bot, user, PIECES[0].strip())
    death.come()

    desk = chat_desk(bot)
    recovery = ChatRecovery(
        desk.bot,
        desk.answers,
        desk.history,
        desk.ledger,
        desk.quota,
        desk.rules,
        bot.dp["chat_models"],
        load_translator(),
        owner=me,
    )
    assert await recovery.recover(own=False) == []  # a survivor would wait for the lease
    settled = await recovery.recover(own=True)  # the restart knows its own name: at once
    assert [r.user_id for r in settled] == [user.id]
    assert "оборвался" in user.last_text()
    balance, held = await money(bot, user)
    assert held == 0 and balance < 100
    assert await recovery.recover(own=True) == []  # settled once
    await death.bury(dying)
