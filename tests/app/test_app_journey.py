"""The whole bot from the composition root: fake Telegram, sandbox KIE, a real database."""

from __future__ import annotations

from kit import FakeTelegram, FakeUser
from kit.telegram_fake import Call

from kiegram.app import App


def _sent(telegram: FakeTelegram, user: FakeUser, method: str) -> list[Call]:
    return [
        c
        for c in telegram.calls
        if c.method == method and str(c.params.get("chat_id")) == str(user.id)
    ]


async def _walk_to_result(telegram: FakeTelegram, user: FakeUser) -> None:
    for _ in range(12):
        buttons = user.buttons()
        if any("Запустить генерацию" in b for b in buttons):
            await user.click("Запустить генерацию")
            break
        await user.click("Далее")
    await telegram.wait_for(lambda: bool(_sent(telegram, user, "sendphoto")), timeout=30)


async def test_text_to_image_from_start_to_photo(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(501)
    await user.send("/start")
    await user.click("Создать картинку")
    await user.click("Z-Image")
    await user.click("Начать")
    assert "✏️" in user.last_text() and "Например" in user.last_text()
    await user.send("a red fox in the snow")
    await _walk_to_result(telegram, user)
    photo = _sent(telegram, user, "sendphoto")[0]
    assert list(photo.urls.values()) == [photo.params["photo"]]  # Telegram fetched it by URL
    await telegram.wait_for(lambda: "Готово" in user.last_text(), timeout=10)
    original = _sent(telegram, user, "senddocument")[0]  # a PNG document: uploaded
    assert next(iter(original.files.values())).startswith(b"\x89PNG")


async def test_background_removal_confirms_right_after_the_image(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(502)
    await user.send("/model recraft/remove-background")
    await user.send_photo(b"\x89PNG fake input")
    assert any("Запустить генерацию" in b for b in user.buttons())
    await user.click("Запустить генерацию")
    await telegram.wait_for(lambda: bool(_sent(telegram, user, "sendphoto")), timeout=30)


async def test_cancel_midway_returns_to_menu(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(503)
    await user.send("/model z-image")
    await user.send("/cancel")
    assert "Отменено" in user.last_text()
    await user.send("a prompt after cancel")
    assert "ничего не жду" in user.last_text()


async def test_prompt_over_the_limit_is_refused_and_changes_nothing(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(504)
    await user.send("/model z-image")
    await user.send("x" * 1001)
    refusal = [m for m in user.chat() if "⚠️" in str(m.get("text"))]
    assert refusal and "1000" in refusal[-1]["text"] and "1001" in refusal[-1]["text"]
    assert "✏️" in user.last_text()  # the question again
