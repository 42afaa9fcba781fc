"""Stand-ins for the network seams we cannot reach from tests: Telegram (and KIE: sandbox)."""

from kit.telegram_fake import FakeTelegram
from kit.telegram_users import FakeUser
from kit.telegram_webhook import Delivery, WebhookTelegram

__all__ = ["Delivery", "FakeTelegram", "FakeUser", "WebhookTelegram"]
