"""What the fake Telegram records: one Bot API request the bot made."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    reply: bool = False  # made in the bot's answer to a webhook update, not as a request
    sizes: dict[str, int] = field(default_factory=dict)  # every uploaded or fetched file
    urls: dict[str, str] = field(default_factory=dict)  # files Telegram fetched from a URL
    streamed: bool = False  # the body came chunked (no Content-Length): a streamed upload
    at: float = field(default_factory=time.monotonic)  # when it arrived (for timelines)
