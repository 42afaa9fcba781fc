"""kiegram: the KIE.ai model marketplace in one Telegram chat."""
