"""Simulated Telegram users: send text, media and payments, press buttons, read replies."""

from __future__ import annotations

import itertools
import time
from typing import Any, Protocol

from kit.telegram_calls import Call

_callback_ids = itertools.count(1)
_group_ids = itertools.count(1)


class ChatServer(Protocol):
    """What a user needs of the Telegram stand-in (`FakeTelegram` and its subclasses)."""

    calls: list[Call]
    messages: dict[tuple[int, int], dict[str, Any]]

    def new_message_id(self) -> int: ...

    def new_file(self, data: bytes, name: str = "") -> str: ...

    async def push(self, kind: str, payload: dict[str, Any]) -> int: ...

    async def wait_consumed(self, update_id: int, timeout: float = 10.0) -> None: ...


class FakeUser:
    """One person in a private chat with the bot."""

    def __init__(
        self, server: ChatServer, user_id: int, language_code: str = "ru", **extra: Any
    ) -> None:
        self.server = server
        self.id = user_id
        self.language_code = language_code
        self.profile = {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User{user_id}",
            "language_code": language_code,
            **extra,
        }

    # --- what the user sends ------------------------------------------------------------

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self.server.new_message_id(),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private"},
            "from": self.profile,
            **content,
        }

    async def _send(self, kind: str, payload: dict[str, Any], wait: bool) -> int:
        update_id = await self.server.push(kind, payload)
        if wait:
            await self.server.wait_consumed(update_id)
        return update_id

    async def send(self, text: str, wait: bool = True) -> list[Call]:
        """Send a text message (commands included); returns the bot's calls it caused."""
        start = len(self.server.calls)
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        await self._send("message", self._message(**content), wait)
        return self.server.calls[start:]

    async def send_photo(
        self, data: bytes, caption: str | None = None, group: str | None = None, wait: bool = True
    ) -> list[Call]:
        """Send a photo (optionally as part of an album)."""
        file_id = self.server.new_file(data)
        photo = [
            {
                "file_id": file_id,
                "file_unique_id": file_id,
                "width": 64,
                "height": 64,
                "file_size": len(data),
            }
        ]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        if group:
            content["media_group_id"] = group
        start = len(self.server.calls)
        await self._send("message", self._message(**content), wait)
        return self.server.calls[start:]

    async def send_album(self, images: list[bytes]) -> list[Call]:
        """Send several photos at once, as Telegram delivers an album."""
        group = f"album{next(_group_ids)}"
        start = len(self.server.calls)
        for data in images[:-1]:
            await self.send_photo(data, group=group, wait=False)
        await self.send_photo(images[-1], group=group, wait=True)
        return self.server.calls[start:]

    async def send_file(
        self, kind: str, data: bytes, mime: str, name: str = "file", wait: bool = True
    ) -> list[Call]:
        """Send a document, video, audio or voice message."""
        file_id = self.server.new_file(data, name)
        obj: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(data),
            "mime_type": mime,
        }
        if kind == "document":
            obj["file_name"] = name
        if kind in ("video", "audio", "voice"):
            obj["duration"] = 5
        if kind == "video":
            obj.update(width=64, height=64)
        start = len(self.server.calls)
        await self._send("message", self._message(**{kind: obj}), wait)
        return self.server.calls[start:]

    async def click(self, text: str, wait: bool = True) -> list[Call]:
        """Press the newest inline button whose text contains `text`."""
        message, data = self.find_button(text)
        return await self._callback(message, data, wait)

    async def press_data(self, data: str, wait: bool = True) -> list[Call]:
        """Send a callback query with raw data (stale or forged buttons)."""
        message = self.last_message() or self._message(text="old")
        return await self._callback(message, data, wait)

    async def _callback(self, message: dict[str, Any], data: str, wait: bool) -> list[Call]:
        query = {
            "id": str(next(_callback_ids)),
            "from": self.profile,
            "chat_instance": "1",
            "message": message,
            "data": data,
        }
        start = len(self.server.calls)
        await self._send("callback_query", query, wait)
        return self.server.calls[start:]

    async def pay(
        self, payload: str, stars: int, charge_id: str, currency: str = "XTR"
    ) -> list[Call]:
        """Go through a checkout: pre-checkout query, then the successful payment (`stars`:
        the amount in `currency`'s smallest units; a card payment has a provider's id too)."""
        start = len(self.server.calls)
        query = {
            "id": str(next(_callback_ids)),
            "from": self.profile,
            "currency": currency,
            "total_amount": stars,
            "invoice_payload": payload,
        }
        await self._send("pre_checkout_query", query, True)
        payment = {
            "currency": currency,
            "total_amount": stars,
            "invoice_payload": payload,
            "telegram_payment_charge_id": charge_id,
            "provider_payment_charge_id": "" if currency == "XTR" else f"prov-{charge_id}",
        }
        await self._send("message", self._message(successful_payment=payment), True)
        return self.server.calls[start:]

    # --- what the user sees -------------------------------------------------------------

    def chat(self) -> list[dict[str, Any]]:
        """Every bot message in this chat, oldest first, as last edited."""
        return [m for (chat, _), m in sorted(self.server.messages.items()) if chat == self.id]

    def last_message(self) -> dict[str, Any] | None:
        """The newest bot message in this chat."""
        chat = self.chat()
        return chat[-1] if chat else None

    def last_text(self) -> str:
        """Text or caption of the newest bot message."""
        message = self.last_message() or {}
        return str(message.get("text") or message.get("caption") or "")

    def buttons(self, message: dict[str, Any] | None = None) -> list[str]:
        """Button texts of a message (the newest with a keyboard by default)."""
        if message is None:
            with_kb = [m for m in self.chat() if _keyboard(m)]
            message = with_kb[-1] if with_kb else {}
        return [b["text"] for row in _keyboard(message) for b in row]

    def find_button(self, text: str) -> tuple[dict[str, Any], str]:
        """The newest message having a button containing `text`, and that button's data."""
        for message in reversed(self.chat()):
            for row in _keyboard(message):
                for button in row:
                    if text in button["text"] and "callback_data" in button:
                        return message, button["callback_data"]
        raise AssertionError(f"no button {text!r}; last buttons: {self.buttons()}")

    def answered_callbacks(self) -> list[Call]:
        """answerCallbackQuery calls so far."""
        return [c for c in self.server.calls if c.method == "answercallbackquery"]


def _keyboard(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    return rows or []
