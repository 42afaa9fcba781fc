"""Results and users' files move streamed: by URL where Telegram takes one, else through a
spooled file in bounded chunks; a file over MAX_FILE_MB goes as a link; a crash mid-send
resumes without sending again what was sent."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from kit import FakeTelegram
from kit.databases import migrated_sqlite

from kiegram.bot.delivery import TelegramDelivery
from kiegram.bot.inputs import TelegramMedia
from kiegram.bot.session import BotApiSession
from kiegram.bot.spool import Spool
from kiegram.bot.transfers import Transfers, url_allowed
from kiegram.catalog import load_catalog
from kiegram.i18n import load_translator
from kiegram.jobs import Job
from kiegram.jobs.errors import MediaUnavailable
from kiegram.jobs.finisher import results_of
from kiegram.jobs.model import utcnow
from kiegram.kie import KieClient
from kiegram.kie.errors import KieTransportError
from kiegram.sandbox import SANDBOX_KEY, SandboxServer, start_sandbox, tiny_png
from kiegram.settings import Settings
from kiegram.storage.db import create_engine
from kiegram.storage.job_sends import SqlJobSends

MB = 1024 * 1024
CHAT = 5150


@dataclass
class Kit:
    telegram: FakeTelegram
    sandbox: SandboxServer
    kie: KieClient
    bot: Bot
    spool: Spool

    def delivery(self, max_bytes: int = 50 * MB, sends: Any = None) -> TelegramDelivery:
        transfers = Transfers(self.kie, self.spool, max_bytes)
        return TelegramDelivery(
            self.bot, load_translator(), load_catalog(), None, sends, None, transfers
        )

    def result(self, name: str, kind: str, size: int) -> str:
        """A result file of `size` bytes at the sandbox; its URL."""
        self.sandbox.faults.result_size = size
        return self.sandbox.kie._store_result(name, kind)

    def sends(self, method: str) -> list[Any]:
        return [c for c in self.telegram.calls if c.method == method]


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[Kit]:
    telegram = FakeTelegram()
    await telegram.start()
    sandbox = await start_sandbox()
    kie = KieClient(SANDBOX_KEY, base_url=sandbox.base_url, upload_base_url=sandbox.base_url)
    api = TelegramAPIServer.from_base(telegram.base_url)
    bot = Bot(
        telegram.token,
        session=BotApiSession(api=api),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    yield Kit(telegram, sandbox, kie, bot, Spool(tmp_path / "spool"))
    await bot.session.close()
    await kie.aclose()
    await sandbox.close()
    await telegram.stop()


def _job(model: str, output: str, *urls: str) -> Job:
    return Job(
        user_id=CHAT,
        chat_id=CHAT,
        model_id=model,
        api="market",
        output=output,
        payload={"prompt": "a cat"},
        cost=Decimal(3),
        deadline_at=utcnow() + timedelta(minutes=10),
        lang="en",
        result_urls=urls,
    )


def video_job(*urls: str) -> Job:
    return _job("kling/v2-1-standard", "video", *urls)


def image_job(*urls: str) -> Job:
    return _job("google/nano-banana", "image", *urls)


async def test_a_big_result_goes_through_a_spooled_file_in_bounded_chunks(kit: Kit) -> None:
    size = 30 * MB  # over what Telegram fetches by URL: it is uploaded
    job = video_job(kit.result("big", "video", size))
    kit.telegram.keep_bytes = 0  # the fake counts the upload without keeping it
    tracemalloc.start()
    try:
        await kit.delivery().deliver(job, results_of(job))
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [video] = kit.sends("sendvideo")
    assert list(video.sizes.values()) == [size] and not video.urls
    assert video.streamed  # a chunked body: built while it was sent, never whole
    assert max(kit.telegram.upload_chunks) <= 256 * 1024
    assert kit.spool.created == 1 and kit.spool.leftovers() == []  # spooled, then removed
    # Everything Python allocated at once, the fake Telegram and the sandbox included.
    assert peak < 12 * MB, f"peak {peak / MB:.1f} MB for a {size // MB} MB file"


async def test_small_files_go_by_url_and_an_image_original_is_uploaded(kit: Kit) -> None:
    job = image_job(kit.result("small", "image", 0))
    await kit.delivery().deliver(job, results_of(job))
    [photo] = kit.sends("sendphoto")
    [original] = kit.sends("senddocument")
    assert photo.urls == {"photo": job.result_urls[0]} and not photo.files
    assert list(original.files.values()) == [tiny_png()]  # a PNG document cannot go by URL
    video = video_job(kit.result("clip", "video", 3 * MB))
    await kit.delivery().deliver(video, results_of(video))
    [clip] = kit.sends("sendvideo")
    assert clip.urls == {"video": video.result_urls[0]} and clip.sizes == {"video": 3 * MB}
    assert kit.spool.created == 1  # only the image's original was fetched by us


async def test_a_refused_url_falls_back_to_an_upload(kit: Kit) -> None:
    kit.telegram.refuse_urls = True  # e.g. Telegram cannot reach the file's host
    job = video_job(kit.result("clip", "video", 2 * MB))
    await kit.delivery().deliver(job, results_of(job))
    [clip] = kit.sends("sendvideo")  # the refused attempt got a 400 and is not a message
    assert not clip.urls and list(clip.sizes.values()) == [2 * MB]
    assert kit.spool.created == 1 and kit.spool.leftovers() == []


async def test_an_album_by_url_falls_back_to_uploads(kit: Kit) -> None:
    kit.telegram.refuse_urls = True
    job = image_job(kit.result("a", "image", 0), kit.result("b", "image", 0))
    await kit.delivery().deliver(job, results_of(job))
    [album] = kit.sends("sendmediagroup")
    assert not album.urls and sorted(album.files.values()) == [tiny_png(), tiny_png()]
    assert len(kit.sends("senddocument")) == 2
    assert kit.spool.created == 2  # each image fetched once for the album and its original


async def test_a_file_over_the_limit_is_sent_as_a_link_and_never_fetched(kit: Kit) -> None:
    job = video_job(kit.result("huge", "video", 3 * MB))
    await kit.delivery(max_bytes=2 * MB).deliver(job, results_of(job))
    assert not kit.sends("sendvideo") and kit.spool.created == 0
    texts = [c.params["text"] for c in kit.sends("sendmessage")]
    assert any(
        "too large to send here (3.0 MB; the limit is 2.0 MB)" in t and job.result_urls[0] in t
        for t in texts
    ), texts


async def test_the_limit_holds_when_the_server_does_not_declare_a_size(kit: Kit) -> None:
    job = video_job(kit.result("unsized", "video", 3 * MB))

    async def unknown(url: str) -> None:
        return None

    kit.kie.size_of = unknown  # type: ignore[method-assign]
    await kit.delivery(max_bytes=2 * MB).deliver(job, results_of(job))
    assert not kit.sends("sendvideo")
    [link] = [c.params["text"] for c in kit.sends("sendmessage") if "MB" in c.params["text"]]
    assert "larger than 2.0 MB" in link and job.result_urls[0] in link
    assert kit.spool.created == 1 and kit.spool.leftovers() == []  # stopped, then removed


async def test_a_crash_mid_send_resumes_without_sending_twice(kit: Kit, tmp_path: Path) -> None:
    url = await migrated_sqlite(tmp_path / "sends.sqlite3")
    engine = create_engine(url)
    sends = SqlJobSends(engine)
    job = image_job(kit.result("a", "image", 0), kit.result("b", "image", 0))
    delivery = kit.delivery(sends=sends)
    original = kit.bot.send_document
    documents = 0

    async def dying(*args: Any, **kwargs: Any) -> Any:
        nonlocal documents
        if documents == 1:  # the process dies during the second original's upload
            raise TelegramNetworkError(method=None, message="the process died here")  # type: ignore[arg-type]
        documents += 1
        return await original(*args, **kwargs)

    kit.bot.send_document = dying  # type: ignore[method-assign]
    with pytest.raises(TelegramNetworkError):
        await delivery.deliver(job, results_of(job))
    kit.bot.send_document = original  # type: ignore[method-assign]
    assert kit.spool.leftovers() == []  # nothing left behind by the interrupted delivery
    assert [c.method for c in kit.telegram.calls] == ["sendmediagroup", "senddocument"]
    await delivery.deliver(job, results_of(job))  # the resumed delivery
    methods = [c.method for c in kit.telegram.calls]
    assert methods == ["sendmediagroup", "senddocument", "senddocument", "sendmessage"]
    assert await sends.sent(job.id) == {"group", "0:file", "1:file", "done"}
    await engine.dispose()


async def test_leftovers_of_a_crash_are_removed_at_start(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    async with spool.file(".mp4") as path:
        path.write_bytes(b"half a video")
        kept = path.read_bytes()
        (tmp_path / "spool" / "tmpcrashed.mp4").write_bytes(kept)  # what a killed run left
    assert [p.name for p in spool.leftovers()] == ["tmpcrashed.mp4"]
    assert spool.clean() == 1 and spool.leftovers() == []


def test_url_rules_follow_the_bot_api() -> None:
    assert url_allowed("photo", 5 * MB, "a.png") and not url_allowed("photo", 5 * MB + 1, "a.png")
    assert url_allowed("video", 20 * MB, "a.mp4") and not url_allowed("video", 20 * MB + 1, "a")
    assert url_allowed("document", MB, "a.pdf") and not url_allowed("document", MB, "a.png")
    assert not url_allowed("audio", None, "a.mp3")  # an unknown size is uploaded


async def test_a_users_file_is_streamed_from_telegram_to_kie(kit: Kit) -> None:
    data = tiny_png() + bytes(range(256)) * (12 * 1024)  # ~3 MB
    file_id = kit.telegram.new_file(data, "photo.png")
    given: list[object] = []
    upload = kit.kie.upload_file

    async def spy(source: Any, name: str, *args: Any) -> str:
        given.append(source)
        return await upload(source, name, *args)

    kit.kie.upload_file = spy  # type: ignore[method-assign]
    media = TelegramMedia(kit.bot, kit.kie, kit.spool, 50 * MB)
    url = await media.resolve(f"tg:{file_id}")
    stored = kit.sandbox.kie.files.get(url.split("/files/", 1)[1])
    assert stored is not None and stored.data == data
    [source] = given
    assert isinstance(source, Path)  # streamed from the spooled file, never bytes in memory
    assert kit.spool.created == 1 and kit.spool.leftovers() == []


async def test_a_users_file_over_the_limit_is_refused_before_any_download(kit: Kit) -> None:
    file_id = kit.telegram.new_file(tiny_png() + b"\0" * (2 * MB), "photo.png")
    media = TelegramMedia(kit.bot, kit.kie, kit.spool, MB)
    with pytest.raises(MediaUnavailable, match="over the 1 MB limit"):
        await media.resolve(f"tg:{file_id}")
    assert kit.spool.created == 0


async def test_a_renamed_text_file_is_refused_and_removed(kit: Kit) -> None:
    file_id = kit.telegram.new_file(b"not an image at all" * 10, "photo.png")
    media = TelegramMedia(kit.bot, kit.kie, kit.spool, MB)
    with pytest.raises(MediaUnavailable, match="not the image"):
        await media.resolve(f"tg:{file_id}")
    assert kit.spool.created == 1 and kit.spool.leftovers() == []


def test_the_size_limit_follows_the_bot_api_server() -> None:
    assert Settings().max_file_bytes == 50 * MB  # api.telegram.org takes 50 MB uploads
    assert Settings(telegram_api_base="http://127.0.0.1:8081").max_file_bytes == 2000 * MB
    assert Settings(max_file_mb=20).max_file_bytes == 20 * MB


async def test_a_download_failing_under_the_upload_is_sent_again_whole(kit: Kit) -> None:
    size = 25 * MB
    job = video_job(kit.result("flaky", "video", size))
    pull = kit.kie.download_to
    calls: list[bool] = []

    async def flaky(url: str, path: Path, max_bytes: int, *args: Any) -> int:
        following = len(args) > 1 and args[1] is False
        calls.append(following)
        if following:  # the download under the streamed upload dies midway
            await asyncio.to_thread(path.write_bytes, b"\0" * MB)
            args[0](MB)
            raise KieTransportError("connection reset", sent=True)
        return await pull(url, path, max_bytes, *args)

    kit.kie.download_to = flaky  # type: ignore[method-assign]
    await kit.delivery().deliver(job, results_of(job))
    [video] = kit.sends("sendvideo")  # the cut upload made no message; the second one did
    assert list(video.sizes.values()) == [size]
    assert calls == [True, False]  # then the whole file, with the client's retries
    assert kit.spool.created == 1 and kit.spool.leftovers() == []
