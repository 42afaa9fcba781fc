"""A delivery a crash interrupted resumes where it stopped: what was sent is not sent again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from aiogram.exceptions import TelegramAPIError
from kit import FakeTelegram

from kiegram.app import App
from kiegram.bot.delivery import TelegramDelivery
from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.jobs import Job, ResultFile
from kiegram.jobs.model import utcnow
from kiegram.storage.job_sends import SqlJobSends

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _job(chat: int) -> Job:
    return Job(
        user_id=chat,
        chat_id=chat,
        model_id="google/nano-banana",
        api="market",
        output="image",
        payload={"prompt": "a cat"},
        cost=Decimal(3),
        deadline_at=utcnow() + timedelta(minutes=10),
        result_urls=("https://files.example/a.png", "https://files.example/b.png"),
    )


def _counts(telegram: FakeTelegram, chat: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in telegram.calls:
        if str(call.params.get("chat_id")) == str(chat) and call.method.startswith("send"):
            counts[call.method] = counts.get(call.method, 0) + 1
    return counts


async def test_a_resumed_delivery_sends_only_the_missing_messages(
    running: tuple[App, FakeTelegram],
) -> None:
    app, telegram = running
    delivery = TelegramDelivery(
        app.bot, load_translator(), load_catalog(), None, SqlJobSends(app.engine)
    )
    job = _job(4242)
    files = [
        ResultFile(url=url, filename=f"{n}.png", kind="image", data=PNG)
        for n, url in enumerate(job.result_urls)
    ]
    # The instance "dies" at the second original: the group and the first original went out.
    sent_documents = 0
    original = app.bot.send_document

    async def dying(*args: object, **kwargs: object) -> object:
        nonlocal sent_documents
        if sent_documents == 1:
            raise TelegramAPIError(method=None, message="the process died here")  # type: ignore[arg-type]
        sent_documents += 1
        return await original(*args, **kwargs)  # type: ignore[arg-type]

    app.bot.send_document = dying  # type: ignore[method-assign]
    with pytest.raises(TelegramAPIError):
        await delivery.deliver(job, files)
    app.bot.send_document = original  # type: ignore[method-assign]
    assert _counts(telegram, job.chat_id) == {"sendmediagroup": 1, "senddocument": 1}
    await delivery.deliver(job, files)  # the resumed delivery (another instance, a restart)
    assert _counts(telegram, job.chat_id) == {
        "sendmediagroup": 1,
        "senddocument": 2,
        "sendmessage": 1,
    }
    await delivery.deliver(job, files)  # a third run sends nothing at all
    assert sum(_counts(telegram, job.chat_id).values()) == 4
