"""Webhook mode without Redis: the database gate lets a re-sent update through only once
across instances sharing PostgreSQL; a SQLite instance (alone with its bot) keeps its gate in
memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from kit import WebhookTelegram
from kit.databases import migrated_sqlite
from scale_kit import Instance, free_port
from sqlalchemy import text

from kiegram.app import App
from kiegram.fsm.base import CachedStorage
from kiegram.scale import LocalUpdateGate, UpdateDedup
from kiegram.settings import Settings
from kiegram.storage.scale_store import SqlUpdateGate


@pytest.fixture
async def pair(
    tmp_path: Path, pg_url: str
) -> AsyncIterator[tuple[WebhookTelegram, Instance, Instance]]:
    telegram = WebhookTelegram(secret="s", route="pinned")
    await telegram.start()
    instances = []
    for name in ("a", "b"):
        instance = Instance(name, _settings(telegram, pg_url, tmp_path / name))
        await instance.start()
        instances.append(instance)
    telegram.set_webhooks([i.webhook_url for i in instances])
    yield telegram, instances[0], instances[1]
    for instance in instances:
        await instance.stop()
    await telegram.stop()


async def test_a_retried_update_is_handled_once_across_instances(
    pair: tuple[WebhookTelegram, Instance, Instance],
) -> None:
    telegram, first, second = pair
    user = telegram.user(4)  # pinned: 4 % 2 == 0, so the first instance
    replies = await user.send("/start")
    assert replies and telegram.handled_by(max(telegram.sent)) == first.webhook_url
    calls = len(telegram.calls)
    assert await telegram.resend(max(telegram.sent), second.webhook_url) == 200
    assert await telegram.resend(max(telegram.sent), first.webhook_url) == 200
    assert len(telegram.calls) == calls
    assert second.handled == 1 and first.handled == 2


async def test_a_wrong_secret_is_refused_and_an_update_moves_on(
    pair: tuple[WebhookTelegram, Instance, Instance],
) -> None:
    telegram, first, second = pair
    telegram.secret = "wrong"
    user = telegram.user(5)
    update_id = await telegram.push("message", user._message(text="hi"))
    assert await telegram.post(first.webhook_url, telegram.sent[update_id]) == 401
    telegram.secret = "s"
    await telegram.wait_consumed(update_id)
    assert telegram.handled_by(update_id) in (first.webhook_url, second.webhook_url)


async def test_a_failing_handler_answers_200_and_apologises_once(
    pair: tuple[WebhookTelegram, Instance, Instance],
) -> None:
    telegram, first, _second = pair
    assert first.app is not None
    await first.call(_rename(first.app, "users", "users_away"))  # shared database: both fail
    user = telegram.user(6)
    await user.send("/start")
    update_id = max(telegram.sent)
    assert [d.status for d in telegram.deliveries if d.update_id == update_id] == [200]
    await asyncio.sleep(0.5)  # nothing comes back later either
    assert sum("Не получилось" in str(m.get("text")) for m in user.chat()) == 1
    await first.call(_rename(first.app, "users_away", "users"))
    await user.send("/start")
    assert "Привет" in user.last_text()


async def _rename(app: App, old: str, new: str) -> None:
    async with app.engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_a_press_by_webhook_is_answered_in_the_reply_once(
    pair: tuple[WebhookTelegram, Instance, Instance],
) -> None:
    telegram, _first, _second = pair
    user = telegram.user(8)
    await user.send("/start")
    calls = await user.click("Создать картинку")
    answers = [c for c in calls if c.method == "answercallbackquery"]
    # One answer, carried in the webhook's reply (no request of its own), after the edit.
    assert [a.reply for a in answers] == [True]
    assert [c.method for c in calls][-1] == "answercallbackquery"
    assert any(c.method == "editmessagetext" and not c.reply for c in calls)


async def test_a_sqlite_instance_lets_a_re_sent_update_through_once_without_the_table(
    tmp_path: Path,
) -> None:
    """SQLite is one instance: the gate and conversations are this process's memory's."""
    url = await migrated_sqlite(tmp_path / "alone.sqlite3")
    await _alone_lets_a_re_sent_update_through_once(tmp_path, url, single_instance=False)


async def test_a_single_instance_on_postgresql_keeps_the_gate_and_conversations_in_memory(
    tmp_path: Path, pg_url: str
) -> None:
    """On PostgreSQL the operator says the process is the bot's only one (SINGLE_INSTANCE)."""
    await _alone_lets_a_re_sent_update_through_once(tmp_path, pg_url, single_instance=True)


async def _alone_lets_a_re_sent_update_through_once(
    tmp_path: Path, url: str, single_instance: bool
) -> None:
    telegram = WebhookTelegram(secret="s")
    await telegram.start()
    alone = Instance("alone", _settings(telegram, url, tmp_path, single_instance))
    await alone.start()
    telegram.set_webhooks([alone.webhook_url])
    try:
        user = telegram.user(11)
        assert await user.send("/start")
        calls = len(telegram.calls)
        assert await telegram.resend(max(telegram.sent), alone.webhook_url) == 200
        assert len(telegram.calls) == calls and alone.handled == 2
        assert alone.app is not None
        assert isinstance(_gate(alone.app), LocalUpdateGate)
        assert await alone.call(_count(alone.app, "handled_updates")) == 0
        assert isinstance(alone.app.dp.storage, CachedStorage) and alone.app.dp.storage.remember
        await user.send("/start")  # the next update is handled
        assert len(telegram.calls) > calls
    finally:
        await alone.stop()
        await telegram.stop()


async def test_instances_sharing_postgresql_claim_in_the_table_and_read_each_conversation(
    pair: tuple[WebhookTelegram, Instance, Instance],
) -> None:
    _telegram, first, _second = pair
    assert first.app is not None
    assert isinstance(_gate(first.app), SqlUpdateGate)
    assert isinstance(first.app.dp.storage, CachedStorage) and not first.app.dp.storage.remember


def _settings(
    telegram: WebhookTelegram, url: str, data_dir: Path, single_instance: bool = False
) -> Settings:
    """An instance behind a webhook (behind a balancer, or alone), without Redis."""
    return Settings(
        bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        webhook_url="http://127.0.0.1/webhook",
        webhook_secret="s",
        database_url=url,
        redis_url="",
        single_instance=single_instance,
        data_dir=data_dir,
        http_port=free_port(),
    )


def _gate(app: App) -> object:
    """The update gate of the app's one de-duplicating middleware."""
    gates = [m.gate for m in app.dp.update.outer_middleware if isinstance(m, UpdateDedup)]
    assert len(gates) == 1
    return gates[0]


async def _count(app: App, table: str) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
