"""The small aiogram bot the Telegram stand-ins' tests drive (by polling or by webhook)."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, F
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message


def echo_dispatcher(bot: Bot) -> Dispatcher:
    """Photos are counted, texts echoed with a button ("boom" raises), presses edit."""
    dp = Dispatcher()

    @dp.message(F.photo)
    async def photo(message: Message) -> None:
        assert message.photo is not None
        data = await bot.download(message.photo[-1].file_id)
        assert data is not None
        await message.answer(f"got {len(data.read())} bytes")

    @dp.message()
    async def text(message: Message) -> None:
        if message.text == "boom":
            raise RuntimeError("the handler broke")
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Press me", callback_data="p:1")]]
        )
        await message.answer(f"echo: {message.text}", reply_markup=markup)

    @dp.callback_query()
    async def press(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"pressed {query.data}")

    return dp
