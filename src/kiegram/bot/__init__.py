"""The Telegram layer: aiogram routers (one per feature), keyboards, callback data."""
