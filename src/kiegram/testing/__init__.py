"""Stand-ins for the network seams we cannot reach from tests: Telegram (and KIE: sandbox)."""

from kiegram.testing.telegram_fake import FakeTelegram
from kiegram.testing.telegram_users import FakeUser
from kiegram.testing.telegram_webhook import Delivery, WebhookTelegram

__all__ = ["Delivery", "FakeTelegram", "FakeUser", "WebhookTelegram"]
