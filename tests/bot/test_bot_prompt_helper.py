"""PromptHelper's money: a rewrite is held, then captured; released when KIE fails; and a
hold left open by a process that died mid-call is given back by the orphan sweeper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kit.databases import migrated_sqlite

from kiegram.billing import FreeQuota, Ledger
from kiegram.bot.prompt_helper import Improved, PromptHelper, Refused, instructions
from kiegram.catalog import load_catalog
from kiegram.jobs.sweeper import HoldSweeper
from kiegram.kie.chat import ChatMessage, ChatReply
from kiegram.kie.errors import KieServerError
from kiegram.storage.db import create_engine, session_factory
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.orphans import SqlOrphanHolds
from kiegram.storage.users_store import SqlUserStore

USER = 301
CATALOG = load_catalog()


class Chat:
    """A chat model that answers, fails as KIE does, or dies with the process."""

    def __init__(self, outcome: str = "ok") -> None:
        self.outcome = outcome
        self.asked: list[list[ChatMessage]] = []

    async def complete(self, messages: list[ChatMessage], *, model: str = "") -> ChatReply:
        self.asked.append(messages)
        if self.outcome == "kie":
            raise KieServerError("Server error", 500)
        if self.outcome == "crash":
            raise SystemExit  # the process stops between the hold and its settlement
        return ChatReply(f"«{messages[-1].content}, at golden hour»", model)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


Parts = tuple[Ledger, SqlUserStore, HoldSweeper, Clock]


@pytest.fixture
async def parts(tmp_path: Path) -> AsyncIterator[Parts]:
    url = await migrated_sqlite(tmp_path / "helper.sqlite3")
    engine = create_engine(url)
    store = SqlLedgerStore(engine)
    ledger, users, clock = Ledger(store), SqlUserStore(engine, ()), Clock()
    await users.touch(USER, None, "ru")
    await ledger.grant(USER, 10, "grant:helper", admin_id=1, reason="test")
    quota = FreeQuota(store, per_day=3, max_units=10)
    sweeper = HoldSweeper(SqlOrphanHolds(session_factory(engine)), ledger, quota, clock=clock)
    yield ledger, users, sweeper, clock
    await engine.dispose()


def helper(chat: Chat, ledger: Ledger, users: SqlUserStore) -> PromptHelper:
    return PromptHelper(chat, ledger, users, 2, frozenset({1}))


async def test_paid_on_success_refunded_on_kie_failure(parts: Parts) -> None:
    ledger, users, _sweeper, _clock = parts
    spec = CATALOG.get("z-image")
    assert spec is not None
    done = await helper(Chat(), ledger, users).improve(USER, None, "ru", spec, "a cat")
    assert done == Improved("a cat, at golden hour", english=True)  # quotes trimmed
    assert (await ledger.account(USER)).balance == 8
    failed = await helper(Chat("kie"), ledger, users).improve(USER, None, "ru", spec, "a dog")
    assert failed == Refused("failed")
    account = await ledger.account(USER)
    assert (account.balance, account.held) == (8, 0)


async def test_too_little_balance_asks_nothing(parts: Parts) -> None:
    ledger, users, _sweeper, _clock = parts
    spec = CATALOG.get("z-image")
    assert spec is not None
    chat = Chat()
    poor = PromptHelper(chat, ledger, users, 50, frozenset())
    assert await poor.improve(USER, None, "ru", spec, "a cat") == Refused("short", 50, 10)
    assert chat.asked == []


async def test_a_hold_left_by_a_dead_process_is_released(parts: Parts) -> None:
    ledger, users, sweeper, clock = parts
    spec = CATALOG.get("z-image")
    assert spec is not None
    with pytest.raises(SystemExit):
        await helper(Chat("crash"), ledger, users).improve(USER, None, "ru", spec, "a cat")
    assert (await ledger.account(USER)).held == 2
    clock.now += timedelta(minutes=11)
    assert len(await sweeper.sweep()) == 1
    account = await ledger.account(USER)
    assert (account.balance, account.held) == (10, 0)


def test_the_instructions_name_the_model_and_the_language() -> None:
    english, russian = CATALOG.get("kling-2.6/text-to-video"), CATALOG.get("nano-banana-pro")
    assert english is not None and russian is not None
    assert "in English" in instructions(english, "ru") and "camera movement" in instructions(
        english, "ru"
    )
    assert "language of the draft" in instructions(russian, "ru")
    assert russian.name.get("en") in instructions(russian, "ru")
