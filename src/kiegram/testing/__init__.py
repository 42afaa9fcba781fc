"""Stand-ins for the network seams we cannot reach from tests: Telegram (and KIE: sandbox)."""

from kiegram.testing.telegram_fake import FakeTelegram
from kiegram.testing.telegram_users import FakeUser

__all__ = ["FakeTelegram", "FakeUser"]
