"""A newcomer's first result (issue #22): two taps for a prompt-only model, every question
with its help and example, example prompts to tap, one live message, free or short said
plainly on the confirm with the packs right there."""

from __future__ import annotations

from typing import Any

from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.sandbox.media import tiny_png

CONFIRM = "Запустить генерацию"
DONE = "✅ Готово! Что дальше?"


def keyboards(user: FakeUser) -> list[dict[str, Any]]:
    """The bot's messages that still have buttons."""
    return [m for m in user.chat() if (m.get("reply_markup") or {}).get("inline_keyboard")]


async def test_a_newcomer_gets_a_free_picture_from_the_menu_in_two_taps(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(801)
    await user.send("/start")
    gifts = [b for b in user.buttons() if b.startswith("⭐ 🎁")]
    assert gifts, user.buttons()  # a free model among the shortcuts, for a zero balance
    await user.click(gifts[0])
    question = user.last_text()
    assert "Опишите картинку" in question and "Например" in question
    assert any(b.startswith("💡") for b in user.buttons())
    sent_before = len(telegram.calls)
    await user.send("a lighthouse in a storm")  # tap 1
    confirm = user.last_text()
    assert "🎁 Бесплатно: осталось 3 из 3 сегодня" in confirm
    assert "Баланс после" not in confirm and "-" not in confirm.split("Стоимость")[-1]
    await user.click(CONFIRM)  # tap 2
    await telegram.wait_for(lambda: DONE in user.last_text(), timeout=30)
    assert len(telegram.calls) > sent_before
    await user.send("/balance")
    assert "2 из 3" in user.last_text()


async def test_an_example_prompt_is_one_tap(running: tuple[App, FakeTelegram]) -> None:
    app, telegram = running
    spec = app.dp["catalog"].get("z-image")
    user = telegram.user(802)
    await user.send("/model z-image")
    await user.click("💡")
    assert "Проверьте параметры" in user.last_text()
    assert spec.examples[0].ru[:30] in user.last_text()  # the summary shortens long text


async def test_an_english_example_is_in_english(running: tuple[App, FakeTelegram]) -> None:
    app, telegram = running
    spec = app.dp["catalog"].get("z-image")
    user = telegram.user(803, language_code="en")
    await user.send("/model z-image")
    assert "Describe the picture" in user.last_text() and "E.g." in user.last_text()
    await user.click("💡")
    assert spec.examples[0].en[:30] in user.last_text()
    assert "🎁 Free: 3 of 3 left today" in user.last_text()


async def test_only_the_current_step_keeps_its_buttons(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(804)
    await user.send("/model seedream/4.5-edit")
    first = user.last_message()
    assert first is not None and keyboards(user) == [first]
    await user.send_photo(tiny_png())  # a new message for the prompt step
    second = user.last_message()
    assert second is not None and second["message_id"] != first["message_id"]
    assert keyboards(user) == [second]  # the photo step's buttons are gone
    await user.send("make it a comic")
    assert [m["message_id"] for m in keyboards(user)] == [user.last_message()["message_id"]]
    assert CONFIRM in " ".join(user.buttons())
    await user.click("Отмена")
    assert all("Отмена" not in str(m.get("reply_markup")) for m in user.chat())


async def test_a_short_balance_is_said_plainly_with_the_packs(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(805)
    await user.send("/model nano-banana-pro")
    await user.send("a cat astronaut")
    confirm = user.last_text()
    assert "Не хватает кредитов: нужно" in confirm and "у вас 0" in confirm
    assert "Баланс после" not in confirm and ": -" not in confirm
    assert "100 кр. — 50 ⭐" in user.buttons()  # the packs under the confirm itself
    await user.click(CONFIRM)
    assert "Не хватает кредитов" in user.last_text()
    assert "100 кр. — 50 ⭐" in user.buttons()
    await user.click("100 кр. — 50 ⭐")
    assert any(c.method == "sendinvoice" for c in telegram.calls)


async def test_every_step_kind_says_what_good_input_looks_like(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    user = telegram.user(806)
    await user.send("/model recraft/remove-background")  # a file
    assert "📎" in user.last_text() and "Пришлите фото" in user.last_text()
    await user.send("/model runway")  # text, then choices
    assert "Например" in user.last_text()
    await user.send("a fox runs through the snow")
    runway = app.dp["catalog"].get("runway")
    assert "👇" in user.last_text() and runway.input("duration").help.ru in user.last_text()
    # Text, then a number (sound effects' length became optional: Seedance 1.5 asks one).
    await user.send("/model bytedance/seedance-1.5-pro")
    await user.click("💡")
    assert "🔢" in user.last_text()
    spec = app.dp["catalog"].get("bytedance/seedance-1.5-pro")
    assert spec.input("duration").help.ru in user.last_text()


async def test_lists_and_cards_mark_free_models(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(807)
    await user.send("/start")
    await user.click("Создать картинку")
    assert any(b.startswith("🎁 Z-Image") for b in user.buttons())
    assert not any(b.startswith("🎁 Nano Banana Pro") for b in user.buttons())
    await user.click("🎁 Z-Image")
    assert "🎁 Можно бесплатно" in user.last_text()
