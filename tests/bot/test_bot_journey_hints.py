"""No silent path: wrong input gets a hint, old and foreign buttons explain themselves."""

from __future__ import annotations

from kit import FakeTelegram, FakeUser

from kiegram.app import App
from kiegram.bot.callbacks import JobAct, Wz
from kiegram.sandbox.media import tiny_mp4, tiny_png


def refusals(user: FakeUser) -> list[str]:
    return [str(m.get("text")) for m in user.chat() if str(m.get("text")).startswith("⚠️")]


async def test_a_photo_at_a_text_step_asks_for_text(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(701)
    await user.send("/model z-image")
    await user.send_photo(tiny_png())
    assert "здесь нужен текст, а не файл" in refusals(user)[-1]
    assert "✏️" in user.last_text() and "Например" in user.last_text()  # the step again


async def test_text_at_a_media_step_asks_for_a_file(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(702, language_code="en")
    await user.send("/model recraft/remove-background")
    await user.send("here is my picture")
    assert "send a file or a link" in refusals(user)[-1]
    assert "📎" in user.last_text()  # the step again


async def test_a_video_at_an_image_step_names_both_kinds(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(703)
    await user.send("/model recraft/remove-background")
    await user.send_file("video", tiny_mp4(), "video/mp4")
    assert "нужно фото, а пришло видео" in refusals(user)[-1]


async def test_text_on_the_confirm_screen_points_to_the_buttons(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(704)
    await user.send("/model recraft/remove-background")
    await user.send_photo(tiny_png())
    await user.send("go!")
    assert "Нажмите одну из кнопок" in refusals(user)[-1]


async def test_media_with_no_wizard_open_is_answered(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(705)
    await user.send_photo(tiny_png())
    assert "ничего не жду" in user.last_text()


async def test_buttons_of_unknown_or_foreign_jobs_explain_themselves(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(706)
    await user.send("/start")
    for action in ("c", "r", "v", "u", "u3", "zz"):
        await user.press_data(JobAct(a=action, job="0" * 32).pack())
        assert "не найдена" in user.last_text()


async def test_a_wizard_button_of_an_earlier_session_shows_the_current_step(
    running: tuple[App, FakeTelegram],
) -> None:
    _app, telegram = running
    user = telegram.user(707)
    await user.send("/model z-image")
    await user.press_data(Wz(a="back", s="old123").pack())
    texts = [str(m.get("text")) for m in user.chat()]
    assert any("из прошлого разговора" in t for t in texts)
    assert "✏️" in user.last_text()


async def test_every_button_press_is_answered(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(708)
    await user.send("/start")
    await user.click("История")
    assert "Генераций пока не было" in user.last_text()
    await user.press_data("garbage")
    await user.press_data(JobAct(a="r", job="f" * 32).pack())
    pressed = [c for c in telegram.calls if c.method == "answercallbackquery"]
    assert len(pressed) == 3


async def test_history_command_with_nothing_yet(running: tuple[App, FakeTelegram]) -> None:
    _app, telegram = running
    user = telegram.user(709, language_code="en")
    await user.send("/history")
    assert "No generations yet" in user.last_text()
    assert "🏠 Menu" in user.buttons()
