"""Voice messages in the chat: transcribed by KIE's speech-to-text model first.

`elevenlabs/speech-to-text` is a Market task (``audio_url`` in, the transcript as
``resultJson.resultObject.text``): the voice is fetched from Telegram and uploaded to KIE,
the task created and its status read until it ends. Its price (the catalog's: per second of
audio, at least a minute) is held and captured like a generation, released when it fails.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from kiegram.billing import HoldStatus, Ledger, PriceRules
from kiegram.billing.ports import UserStore
from kiegram.catalog import ModelSpec
from kiegram.jobs.errors import MediaUnavailable
from kiegram.kie.api_family import ApiFamily
from kiegram.kie.errors import KieError
from kiegram.kie.status import TaskState, TaskStatus

log = logging.getLogger(__name__)
STT_MODEL = "elevenlabs/speech-to-text"


class Uploader(Protocol):
    """Resolves a ``tg:<file_id>`` ref to a URL KIE can fetch (``TelegramMedia``)."""

    async def resolve(self, ref: str) -> str:
        """The KIE URL of the file."""


class Tasks(Protocol):
    """The part of ``KieClient`` a transcription uses."""

    async def create_task(
        self, family: ApiFamily, model: str | None, payload: Mapping[str, Any]
    ) -> str:
        """The new task's id."""

    async def get_status(self, family: ApiFamily, task_id: str) -> TaskStatus:
        """The task's status now."""


@dataclass(frozen=True, slots=True)
class Heard:
    """The transcript (empty when no words were found)."""

    text: str


@dataclass(frozen=True, slots=True)
class NotHeard:
    """No transcript: `why` is short (with price and balance), blocked or failed."""

    why: str
    price: int = 0
    balance: int = 0


class Transcriber:
    """Voice in, text out, paid like a generation."""

    def __init__(
        self,
        kie: Tasks,
        media: Uploader,
        spec: ModelSpec,
        ledger: Ledger,
        users: UserStore,
        rules: PriceRules,
        admin_ids: frozenset[int],
        poll_seconds: float = 1.0,
        timeout: float = 180.0,
    ) -> None:
        self.kie = kie
        self.media = media
        self.spec = spec
        self.ledger = ledger
        self.users = users
        self.rules = rules
        self.admin_ids = admin_ids
        self.poll_seconds = poll_seconds
        self.timeout = timeout

    def price(self, seconds: int) -> int:
        """Units for a voice message this long."""
        duration = {"ref": "", "media": "", "duration": max(1, seconds)}
        return self.rules.price_for(self.spec, {"audio_url": duration}) or 1

    async def transcribe(
        self, user_id: int, username: str | None, lang: str, file_id: str, seconds: int
    ) -> Heard | NotHeard:
        """The voice message's text, or why not (a failure gives the credits back)."""
        key = None
        if user_id not in self.admin_ids:
            await self.users.ensure(user_id, username, lang)
            price = self.price(seconds)
            key = f"job:{user_id}:voice-{uuid.uuid4().hex[:16]}"
            held = await self.ledger.hold(user_id, price, key)
            if held.status is HoldStatus.INSUFFICIENT:
                return NotHeard("short", price, held.balance)
            if held.status is not HoldStatus.PLACED:
                return NotHeard("blocked")
        try:
            text = await asyncio.wait_for(self._run(file_id), self.timeout)
        except (KieError, MediaUnavailable, TimeoutError, OSError) as exc:
            log.warning("voice transcription failed for user %s: %s", user_id, exc)
            if key is not None:
                await self.ledger.release(key)
            return NotHeard("failed")
        if key is not None:
            await self.ledger.capture(key)
        return Heard(text)

    async def _run(self, file_id: str) -> str:
        url = await self.media.resolve(f"tg:{file_id}")
        task_id = await self.kie.create_task(ApiFamily.MARKET, STT_MODEL, {"audio_url": url})
        while True:
            status = await self.kie.get_status(ApiFamily.MARKET, task_id)
            if status.state is TaskState.SUCCEEDED:
                return transcript(status.result_text)
            if status.state is TaskState.FAILED:
                raise KieError(status.fail_message or "the transcription failed")
            await asyncio.sleep(self.poll_seconds)


def transcript(result: str | None) -> str:
    """The text of the result object (``{"text": ...}``), or the result as it is."""
    if not result:
        return ""
    try:
        data = json.loads(result)
    except ValueError:
        return result.strip()
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        return str(data["text"]).strip()
    return result.strip() if isinstance(data, str) else ""
