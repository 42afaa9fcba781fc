"""The menus: /start, sections, model cards, language, help, and no silent path."""

from __future__ import annotations

from kit import FakeTelegram


async def test_start_shows_sections_with_counts(menu_bot: FakeTelegram) -> None:
    user = menu_bot.user(1)
    await user.send("/start")
    assert "Привет" in user.last_text()
    buttons = user.buttons()
    assert any(b.startswith("🎨 Создать картинку (") for b in buttons)
    assert "💰 Баланс" in buttons


async def test_english_user_gets_english(menu_bot: FakeTelegram) -> None:
    user = menu_bot.user(2, language_code="en-US")
    await user.send("/start")
    assert "Hi!" in user.last_text()


async def test_section_then_card_then_back(menu_bot: FakeTelegram) -> None:
    user = menu_bot.user(3)
    await user.send("/start")
    await user.click("Создать картинку")
    assert "Выберите модель" in user.last_text()
    model_buttons = [b for b in user.buttons() if "·" in b]
    assert model_buttons and all("кр." in b or "цена" in b for b in model_buttons)
    await user.click(model_buttons[0])
    assert "Цена:" in user.last_text()
    assert "🚀 Начать" in user.buttons()
    await user.click("Назад")
    assert "Выберите модель" in user.last_text()
    assert len(user.answered_callbacks()) == 3


async def test_deep_link_opens_model_card(menu_bot: FakeTelegram) -> None:
    user = menu_bot.user(4)
    await user.send("/start m_recraft_remove-background")
    assert "Цена:" in user.last_text()


async def test_language_switch_is_remembered(menu_bot: FakeTelegram) -> None:
    user = menu_bot.user(5)
    await user.send("/lang")
    await user.click("English")
    assert "Language: English" in user.last_text()
    await user.send("/help")
    assert "How it works" in user.last_text()


async def test_nothing_is_silent(menu_bot: FakeTelegram) -> None:
    user = menu_bot.user(6)
    await user.send("hello there")
    assert "ничего не жду" in user.last_text()
    await user.send("/nonsense")
    assert "Не знаю такой команды" in user.last_text()
    await user.press_data("forged:data")
    assert "устарела" in user.last_text()
    assert len(user.answered_callbacks()) == 1


async def test_per_second_models_say_so_on_their_card(menu_bot: FakeTelegram) -> None:
    user = menu_bot.user(7)
    await user.send("/start m_kling_ai-avatar-standard")
    assert "за секунду файла" in user.last_text()
