"""A free helper model (KIE charges nothing) from its card to a delivered result, no money moved.

OmniHuman 1.5's subject detection and human identification are free at KIE: the card and the
confirm screen say so, a user with an empty balance runs them, no hold is placed, nothing is
captured, the daily free generations stay untouched and no referral bonus is paid.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from journey_kit import calls_to, settled, started
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.billing import utc_today
from kiegram.jobs import JobState
from kiegram.sandbox.media import tiny_png

CONFIRM = "Запустить генерацию"
DONE = "✅ Готово! Что дальше?"
REFERRER = 4100


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(telegram, tmp_path, free_daily_generations=3) as app:
        yield app


def texts(user: FakeUser) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in user.chat()]


async def invited(app: App, user_id: int) -> None:
    """The user was invited by REFERRER (whose bonus is paid on a first success)."""
    users = app.desk.users
    await users.ensure(REFERRER, None, "ru")
    await users.ensure(user_id, None, "ru")
    assert await users.set_referrer(user_id, REFERRER)


async def run_from_card(app: App, telegram: FakeTelegram, user: FakeUser, code: str) -> str:
    """Card -> Start -> the portrait -> the confirm screen -> Confirm -> delivered; the
    confirm screen's text."""
    await user.send(f"/start m_{code}")
    assert "Цена: бесплатно" in user.last_text()
    await user.click("🚀 Начать")
    await user.send_photo(tiny_png())
    confirm = user.last_text()
    await user.click(CONFIRM)
    await telegram.wait_for(lambda: DONE in texts(user), timeout=30)
    return confirm


async def assert_no_money_moved(app: App, user: FakeUser) -> None:
    (job,) = await app.dp["history"].page(user.id, 0, 10)
    job = await settled(app, job.id)
    assert job.state is JobState.DELIVERED
    assert job.cost == 0 and job.hold_key is None
    account = await app.desk.ledger.account(user.id)
    assert (account.balance, account.held) == (0, 0)
    assert await app.desk.quota.left(user.id, utc_today()) == 3
    assert (await app.desk.ledger.account(REFERRER)).balance == 0


async def test_subject_detection_is_free_and_delivers_its_masks(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(4101)
    await invited(bot, user.id)
    confirm = await run_from_card(bot, telegram, user, "omnihuman-1-5_subject-detection")
    assert "Стоимость: <b>бесплатно</b>" in confirm or "Стоимость: бесплатно" in confirm
    assert "Эта модель бесплатна" in confirm and "Бесплатно: осталось" not in confirm
    # The masks come in resultObject.mask_urls: sent as photos (and originals).
    assert calls_to(telegram, user, "sendphoto") and calls_to(telegram, user, "senddocument")
    await assert_no_money_moved(bot, user)


async def test_human_identification_is_free_and_delivers_its_answer_as_text(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(4102)
    await invited(bot, user.id)
    await run_from_card(bot, telegram, user, "omnihuman-1-5_human-identification")
    # The sandbox answers resultObject {"text": ...}: the user reads it in the chat.
    assert any("sandbox transcript for" in t for t in texts(user))
    await assert_no_money_moved(bot, user)


async def test_the_section_lists_the_free_helpers_as_free(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(4104)
    await user.send("/start")
    await user.click("Аватары и липсинк")
    buttons = user.buttons()
    assert "🎁 OmniHuman 1.5 · поиск людей на фото · бесплатно" in buttons  # 🎁: free
    assert "🎁 OmniHuman 1.5 · проверка портрета · бесплатно" in buttons
    assert not any("от 0 кр." in b for b in buttons)


async def test_the_free_model_says_free_in_english(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(4103, language_code="en")
    await user.send("/start m_omnihuman-1-5_human-identification")
    assert "Price: free" in user.last_text()
