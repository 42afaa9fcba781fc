"""The prompt helper: ✨ Improve on a prompt step rewrites the draft with KIE's chat model (the
sandbox's deterministic fake), for a fixed price held and captured like a generation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from journey_kit import ADMIN, started
from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.sandbox.chat import FAKE_DETAIL

IMPROVE = "✨ Улучшить описание"


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    async with started(telegram, tmp_path, free_daily_generations=0) as app:
        yield app


async def funded(bot: App, user: FakeUser, amount: int) -> None:
    await bot.desk.users.touch(user.id, None, "ru")
    if amount:
        await bot.desk.ledger.grant(user.id, amount, f"grant-{user.id}", 999, "test")


async def balance(bot: App, user: FakeUser) -> tuple[int, int]:
    account = await bot.desk.ledger.account(user.id)
    return account.balance, account.held


async def wizard_values(bot: App, user: FakeUser) -> dict[str, Any]:
    key = StorageKey(bot_id=bot.bot.id, chat_id=user.id, user_id=user.id)
    data = await bot.dp.storage.get_data(key)
    return dict((data.get("wz") or {}).get("values") or {})


def price(bot: App) -> int:
    return int(bot.dp["helper"].price)


async def ask_to_improve(user: FakeUser, model: str, draft: str) -> None:
    await user.send(f"/model {model}")
    button = next(b for b in user.buttons() if b.startswith(IMPROVE))
    assert button.endswith(" кр.")  # the fixed price is on the button
    await user.click(IMPROVE)
    assert "Напишите, что хотите получить" in user.last_text()
    await user.send(draft)


async def test_the_improved_prompt_is_taken_and_paid_once(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(701)
    await funded(bot, user, 100)
    await ask_to_improve(user, "z-image", "рыжий кот на крыше")
    better = f"рыжий кот на крыше, {FAKE_DETAIL} (in English)"
    compare = user.last_text()
    assert "Ваш вариант:\n<i>рыжий кот на крыше</i>" in compare
    assert better in compare and "на английском" in compare
    assert await balance(bot, user) == (100 - price(bot), 0)  # captured, nothing left held
    await user.click("✨ Взять улучшенный")
    assert (await wizard_values(bot, user))["prompt"] == better
    assert better in str(user.chat())  # the wizard shows the prompt it now has
    await user.press_data(user.find_button("✨ Взять улучшенный")[1])  # the old choice again
    assert await balance(bot, user) == (100 - price(bot), 0)
    assert (await wizard_values(bot, user))["prompt"] == better


async def test_keeping_my_own_prompt(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(702)
    await funded(bot, user, 100)
    await ask_to_improve(user, "z-image", "a red kite over the sea")
    assert f"a red kite over the sea, {FAKE_DETAIL}" in user.last_text()
    await user.click("✍️ Оставить свой")
    assert (await wizard_values(bot, user))["prompt"] == "a red kite over the sea"
    assert await balance(bot, user) == (100 - price(bot), 0)  # the rewrite was made: paid


async def test_a_model_that_understands_russian_keeps_the_language(
    bot: App, telegram: FakeTelegram
) -> None:
    user = telegram.user(703)
    await funded(bot, user, 100)
    await ask_to_improve(user, "google/nano-banana", "собака в очках")
    assert f"собака в очках, {FAKE_DETAIL}" in user.last_text()
    assert "(in English)" not in user.last_text() and "на английском" not in user.last_text()


async def test_without_credits_nothing_is_rewritten(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(704)
    await funded(bot, user, 0)
    await ask_to_improve(user, "z-image", "a lonely tree")
    assert "не хватает кредитов" in user.last_text()
    assert f"нужно {price(bot)} кр., на балансе 0 кр." in user.last_text()
    assert user.buttons() == ["💰 Баланс"]
    assert await balance(bot, user) == (0, 0)
    assert "prompt" not in await wizard_values(bot, user)
    await user.send("a lonely tree")  # the wizard takes the prompt as usual
    assert (await wizard_values(bot, user))["prompt"] == "a lonely tree"


async def test_a_kie_error_gives_the_credits_back(bot: App, telegram: FakeTelegram) -> None:
    user = telegram.user(705)
    await funded(bot, user, 100)
    await ask_to_improve(user, "z-image", "a storm sandbox:fail")
    assert any("не получилось" in str(m.get("text")) for m in user.chat()[-3:])
    assert await balance(bot, user) == (100, 0)  # held, then released
    assert "prompt" not in await wizard_values(bot, user)
    assert IMPROVE in " ".join(user.buttons())  # the prompt step again


async def test_improve_rewrites_the_prompt_already_given(bot: App, telegram: FakeTelegram) -> None:
    # An admin without any balance: the rewrite is free for admins, as generations are.
    user = telegram.user(ADMIN, language_code="en")
    await user.send("/model z-image")
    await user.send("a quiet harbour")
    await user.click("Back")
    assert (await wizard_values(bot, user))["prompt"] == "a quiet harbour"
    await user.click("✨ Improve prompt")
    assert f"a quiet harbour, {FAKE_DETAIL} (in English)" in user.last_text()
    await user.click("✨ Use the improved one")
    values = await wizard_values(bot, user)
    assert values["prompt"] == f"a quiet harbour, {FAKE_DETAIL} (in English)"
