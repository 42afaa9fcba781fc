"""The one composition root: settings in, a running bot (polling or webhook) out."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from kiegram.billing import (
    FreeQuota,
    Ledger,
    ModelSwitches,
    Payments,
    PriceRules,
    Promos,
    Referrals,
    parse_packs,
)
from kiegram.billing.cards import card_checkout
from kiegram.billing.settlement import LedgerSettlement
from kiegram.bot.albums import AlbumCollector
from kiegram.bot.broadcast import Broadcaster
from kiegram.bot.chat_cancel import CancelFlags, RedisCancelFlags
from kiegram.bot.chat_desk import ChatDesk
from kiegram.bot.chat_recovery import ChatRecovery
from kiegram.bot.chat_voice import STT_MODEL, Transcriber
from kiegram.bot.delivery import TelegramDelivery
from kiegram.bot.deps import BotConfig
from kiegram.bot.desk import Desk
from kiegram.bot.dispatcher import build_dispatcher
from kiegram.bot.inputs import TelegramMedia
from kiegram.bot.menus import Menus
from kiegram.bot.prices import PriceBook
from kiegram.bot.progress import Progress
from kiegram.bot.prompt_helper import HELPER_CREDITS, PromptHelper
from kiegram.bot.routers.wizard import album_finisher
from kiegram.bot.session import BotApiSession, PinResponseModels, RetryAfter
from kiegram.bot.spool import Spool, spool_dir
from kiegram.bot.text_guard import guard_texts
from kiegram.bot.transfers import Transfers
from kiegram.bot.waiting import WaitingLines
from kiegram.catalog import Catalog, load_catalog
from kiegram.catalog.chat_models import load_chat_models
from kiegram.errors import ConfigError
from kiegram.fsm.base import CachedStorage, ConversationScope
from kiegram.fsm.redis import redis_conversations
from kiegram.fsm.replay import mark_updates
from kiegram.fsm.save_first import SaveFirst
from kiegram.fsm.sql import SqlStorage
from kiegram.i18n import load_translator
from kiegram.jobs import JobService, Poller
from kiegram.jobs.sweeper import HoldSweeper
from kiegram.kie import KieClient
from kiegram.kie.chat import KieChat
from kiegram.kie.limiter import SlidingWindowLimiter
from kiegram.kie.price_feed import fetch_price_feed
from kiegram.ops.alerting import AlertingDelivery, admin_chat_sender
from kiegram.ops.alerts import Alerter, watch_credits
from kiegram.ops.health import Readiness, add_ops_routes
from kiegram.ops.kie_metrics import MeteredTransport, kie_hosts
from kiegram.ops.metrics import Metrics
from kiegram.ops.middleware import MetricsMiddleware, TelegramErrorMiddleware
from kiegram.ops.price_watch import FEED_FILE, PriceWatch, watch_prices
from kiegram.ops.startup import bind_error, say
from kiegram.ops.update_watch import UpdateWatch
from kiegram.scale import (
    WEBHOOK_PATH,
    Locks,
    RedisAlbums,
    Scale,
    build_scale,
    mount_webhook,
    process_owner,
    run_exclusive,
)
from kiegram.scale.instance import InstanceName
from kiegram.scale.polling import DurablePolling
from kiegram.scale.rate_limit import creates_limiter
from kiegram.settings import Settings
from kiegram.storage.billing_repo import SqlBillingRepo
from kiegram.storage.chat_answers import SqlChatAnswers
from kiegram.storage.chat_history import SqlChatHistory
from kiegram.storage.conversations import ConversationStore
from kiegram.storage.db import create_engine, session_factory, upgrade
from kiegram.storage.direct import Direct
from kiegram.storage.job_messages import SqlJobMessages
from kiegram.storage.job_sends import SqlJobSends
from kiegram.storage.jobs_history import SqlJobHistory
from kiegram.storage.jobs_repo import SqlJobStore
from kiegram.storage.jobs_waiting import SqlWaiting
from kiegram.storage.ledger_store import SqlLedgerStore
from kiegram.storage.orphans import SqlOrphanHolds
from kiegram.storage.polled_updates import SqlPolledUpdates
from kiegram.storage.promo_store import SqlPromoStore
from kiegram.storage.result_files import SqlResultFiles
from kiegram.storage.users_store import SqlUserStore
from kiegram.web.app import build_web_app
from kiegram.wizard import Wizard

log = logging.getLogger(__name__)
CONVERSATIONS_IN_MEMORY = 20_000  # ~1 KB each: the most recent users skip a database read
SUBMIT_GRACE_SECONDS = 10.0  # shutdown waits this long for submissions before parking them
GC_YOUNG = 10_000  # net allocations between young-generation collections (`freeze_startup_heap`)


@dataclass
class App:
    """Everything the running bot is made of; built by `build_app`, closed by `aclose`."""

    settings: Settings
    bot: Bot
    dp: Dispatcher
    engine: AsyncEngine
    jobs: JobService
    poller: Poller
    desk: Desk
    web_app: web.Application
    stack: AsyncExitStack
    metrics: Metrics
    readiness: Readiness
    inbox: SqlPolledUpdates  # where long polling keeps fetched updates until handled
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    alerter: Alerter | None = None
    polling: DurablePolling | None = None  # long polling, when there is no webhook
    kie_credits: Callable[[], Awaitable[float]] | None = None
    kie_limiter: SlidingWindowLimiter | None = None
    watch_prices: Callable[[], Coroutine[Any, Any, None]] | None = None  # daily price check

    def begin_shutdown(self) -> None:
        """SIGTERM: report not ready, stop taking updates; handlers in flight finish."""
        self.readiness.start_draining()
        self.stop.set()
        if self.polling is not None:  # stop fetching; handlers in flight finish
            self.polling.stop()

    async def aclose(self, submit_grace: float = SUBMIT_GRACE_SECONDS) -> None:
        """Stop polling jobs, finish submissions in flight, close clients and the engine.

        Submissions still waiting for KIE's rate limit after `submit_grace` seconds are not
        sent: their jobs are parked (stored, due at once) for the next start to send.
        """
        self.stop.set()
        waiting = await self.desk.drain(submit_grace)
        if waiting and self.kie_limiter is not None:
            log.warning("%d submissions not sent yet: parked for the next start", waiting)
            self.kie_limiter.close()
        await self.desk.drain()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.jobs.store.release_leases(self.jobs.owner)
        await self.stack.aclose()
        await self.bot.session.close()
        await self.engine.dispose()


async def _kie_base(
    settings: Settings, catalog: Catalog, stack: AsyncExitStack
) -> tuple[str, str, str]:
    """KIE's URLs and key; without a key, an in-process sandbox takes KIE's place."""
    if not settings.sandbox:
        return settings.kie_base_url, settings.kie_upload_base_url, settings.kie_api_key
    from kiegram.sandbox import sandbox_in_place_of_kie

    key, base, upload = await sandbox_in_place_of_kie(stack, catalog)
    log.warning("KIE_API_KEY is not set: using the sandbox KIE at %s", base)
    return base, upload, key


async def build_app(settings: Settings) -> App:
    """Build every part from settings; nothing is created at import time."""
    stack = AsyncExitStack()
    url = settings.effective_database_url
    await upgrade(url)
    engine = create_engine(url)
    db = Direct(engine, recycle=settings.db_recycle_seconds)  # the stores' one fast path
    sessions = session_factory(engine)
    catalog = load_catalog(cache_dir=settings.data_dir / "cache")
    translator = load_translator()
    base, upload_base, key = await _kie_base(settings, catalog, stack)
    metrics = Metrics()
    metered = MeteredTransport(metrics, kie_hosts(base, upload_base))
    # With Redis, every instance counts in one window: KIE's budget is the account's.
    kie_limiter = creates_limiter(
        settings.redis_url, settings.redis_prefix, settings.kie_creates_per_10s, stack
    )
    kie = await stack.enter_async_context(
        KieClient(
            key,
            base_url=base,
            upload_base_url=upload_base,
            transport=metered,
            limiter=kie_limiter,
        )
    )
    api = TelegramAPIServer.from_base(settings.telegram_api_base)
    bot = Bot(
        settings.bot_token,
        session=BotApiSession(api=api),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    ledger_store = SqlLedgerStore(db)
    users = SqlUserStore(db, settings.admin_ids)
    ledger = Ledger(ledger_store)
    quota = FreeQuota(ledger_store, settings.free_daily_generations, settings.free_max_units)
    referrals = Referrals(ledger_store, settings.referral_bonus_units)
    rules = PriceRules(settings.markup, settings.kie_credits_per_unit, settings.price_rounding)
    callback = f"{settings.public_url.rstrip('/')}/kie/callback" if settings.public_url else None
    job_store = SqlJobStore(db)
    instance = InstanceName(settings.data_dir)  # the same after a restart: own work resumed
    stack.callback(instance.close)
    spool = Spool(spool_dir(settings.data_dir, instance.name))  # files in transit, both ways
    spool.clean()  # what a crash mid-transfer left behind
    transfers = Transfers(kie, spool, settings.max_file_bytes)
    alerter = (
        Alerter(admin_chat_sender(bot.send_message, settings.admin_chat_id), translator)
        if settings.admin_chat_id is not None
        else None
    )
    kept = SqlResultFiles(db)
    waiting = WaitingLines(SqlWaiting(db), translator)
    progress = Progress(bot, translator, catalog, SqlJobMessages(db), job_store, waiting=waiting)
    sends = SqlJobSends(db)  # each result message recorded as sent: a resume skips it
    stack.push_async_callback(progress.aclose)
    media = TelegramMedia(bot, kie, spool, settings.max_file_bytes)  # users' files, streamed
    jobs = JobService(
        job_store,
        kie,
        catalog,
        media,
        AlertingDelivery(
            TelegramDelivery(bot, translator, catalog, progress, sends, kept, transfers),
            alerter,
            rules,
        ),
        LedgerSettlement(ledger, quota, referrals),
        callback_url=callback,
        owner=instance.name,
        lease_seconds=settings.job_lease_seconds,
    )
    admin_ids = frozenset(settings.admin_ids)
    billing_repo = SqlBillingRepo(db)
    alone = _alone(settings, url)
    off_by_default = (spec.id for spec in catalog if spec.off_by_default)
    switches = ModelSwitches(billing_repo, alone=alone, default_off=off_by_default)
    packs = parse_packs(settings.stars_packs)
    desk = Desk(
        rules,
        ledger,
        quota,
        users,
        jobs,
        admin_ids,
        progress=progress,
        switches=switches,
        packs=packs,
    )
    scale = build_scale(settings.redis_url, settings.redis_prefix, db, alone=alone)
    stack.push_async_callback(scale.aclose)
    chat_transport = MeteredTransport(metrics, kie_hosts(base, upload_base))  # its own pool
    chat = await stack.enter_async_context(KieChat(key, base_url=base, transport=chat_transport))
    helper = PromptHelper(chat, ledger, users, rules.units(HELPER_CREDITS), admin_ids)
    chat_history = SqlChatHistory(db, settings.chat_history_keep)
    chat_models = load_chat_models()
    chat_answers = SqlChatAnswers(engine)  # answers in flight: any instance settles them
    chat_desk = ChatDesk(
        bot,
        chat,
        chat_history,
        ledger,
        quota,
        users,
        rules,
        admin_ids,
        context_tokens=settings.chat_context_tokens,
        edit_seconds=settings.chat_edit_seconds,
        free_chat=settings.chat_free,
        answers=chat_answers,
        flags=chat_cancel_flags(scale, chat_answers),
        owner=instance.name,
    )
    stack.push_async_callback(chat_desk.aclose)  # before the chat client closes
    chat_media = media  # photos and voice sent in chat take the same streamed path
    stt = catalog.get(STT_MODEL)
    transcriber = (
        Transcriber(kie, chat_media, stt, ledger, users, rules, admin_ids)
        if stt is not None
        else None
    )
    config = BotConfig(
        admin_ids=admin_ids,
        free_daily=settings.free_daily_generations,
        free_max_units=settings.free_max_units,
        referral_bonus=settings.referral_bonus_units,
        credits_per_unit=settings.kie_credits_per_unit,
        markup=settings.markup,
    )
    remember = CONVERSATIONS_IN_MEMORY if alone else 0
    fsm_storage, isolation = _conversations(scale, db, remember)
    lock_owner = process_owner()
    # One instance sends a broadcast; the others wait and take over if it dies.
    broadcaster = Broadcaster(
        bot, users, fsm_storage, translator, locks=scale.locks, owner=lock_owner
    )
    stack.push_async_callback(broadcaster.close)
    prices = PriceBook(rules)
    menus = Menus(
        catalog,
        translator,
        prices,
        switches,
        free=lambda spec: quota.eligible(rules.price_for(spec, {})),
    )
    # With Redis, an album's files are collected across instances (behind one webhook URL
    # its messages may reach different ones).
    shared = RedisAlbums(scale.redis, scale.prefix) if scale.redis is not None else None
    albums = AlbumCollector(album_finisher(menus, desk), buffer=shared)
    stack.push_async_callback(albums.aclose)
    dp = build_dispatcher(
        fsm_storage,
        translator,
        events_isolation=isolation,
        locks=scale.locks,
        catalog=catalog,
        prices=prices,
        menus=menus,
        config=config,
        wizard=Wizard(catalog),
        desk=desk,
        albums=albums,
        ledger=ledger,
        users=users,
        payments=Payments(ledger_store),
        packs=packs,
        cards=card_checkout(
            settings.payment_provider_token,
            settings.payment_currency,
            settings.card_packs,
            settings.payment_receipt,
            settings.payment_vat_code,
        ),
        quota=quota,
        jobs=jobs,
        progress=progress,
        history=SqlJobHistory(sessions),
        kept_files=kept,
        helper=helper,
        chat_desk=chat_desk,
        chat_models=chat_models,
        chat_media=chat_media,
        transcriber=transcriber,
        switches=switches,
        stats=billing_repo,
        activity=billing_repo,
        kie_credits=kie.get_credits,
        broadcaster=broadcaster,
        ledger_store=ledger_store,
        alerter=alerter,
        promos=Promos(SqlPromoStore(db)),
    )
    # Only webhooks get an update twice (Telegram's retries, several instances): the gate
    # stays off while long polling until `mount_webhook` turns it on.
    scale.guard(dp, active=False)
    mark_updates(dp)  # a re-sent update whose step is stored is shown again, not re-applied
    guard_texts(dp, translator, metrics.update_refused)  # after the gate, before the conversation
    await progress.resume()
    recovery = ChatRecovery(
        bot,
        chat_answers,
        chat_history,
        ledger,
        quota,
        rules,
        chat_models,
        translator,
        owner=instance.name,
    )
    await recovery.start()  # answers this instance streamed when it died, settled now
    stack.push_async_callback(recovery.aclose)
    await broadcaster.resume()  # a broadcast a restart interrupted goes on (polling or webhook)
    dp.update.outer_middleware(MetricsMiddleware(metrics))
    # Outermost: an update's conversation is stored before any call shows it (issue #26).
    bot.session.middleware(SaveFirst(fsm_storage))
    bot.session.middleware(TelegramErrorMiddleware(metrics))
    bot.session.middleware(RetryAfter())
    bot.session.middleware(PinResponseModels())
    updates = UpdateWatch()
    bot.session.middleware(updates)
    readiness = Readiness(engine=engine, redis=scale.redis, update_source=updates.healthy)
    web_app = build_web_app(complete=jobs.complete, webhook_key=settings.kie_webhook_key or None)
    add_ops_routes(web_app, readiness, metrics.registry)
    sweeper = HoldSweeper(SqlOrphanHolds(sessions), ledger, quota)
    poller = _poller(jobs, sweeper, scale.locks, lock_owner)
    prices_due = await _price_watch(
        settings, base, catalog, alerter, scale.locks, lock_owner, stack
    )
    return App(
        settings,
        bot,
        dp,
        engine,
        jobs,
        poller,
        desk,
        web_app,
        stack,
        metrics,
        readiness,
        SqlPolledUpdates(db, bot.id),
        alerter=alerter,
        kie_credits=None if settings.sandbox else kie.get_credits,
        kie_limiter=kie_limiter,
        watch_prices=prices_due,
    )


async def _price_watch(
    settings: Settings,
    base: str,
    catalog: Catalog,
    alerter: Alerter | None,
    locks: Locks,
    owner: str,
    stack: AsyncExitStack,
) -> Callable[[], Coroutine[Any, Any, None]] | None:
    """The daily check of KIE's price feed (the sandbox's in sandbox mode), when an admin
    chat hears about changes; one instance at a time."""
    if alerter is None:
        return None
    http = await stack.enter_async_context(httpx.AsyncClient(timeout=30.0))
    watch = PriceWatch(lambda: fetch_price_feed(http, base), settings.data_dir / FEED_FILE, catalog)

    async def exclusive(work: Callable[[], Awaitable[None]]) -> None:
        await run_exclusive(locks, "price-watch", work, owner=owner)

    return lambda: watch_prices(watch, alerter, exclusive)


def _conversations(
    scale: Scale, db: Direct, remember: int
) -> tuple[CachedStorage, ConversationScope]:
    """The conversation storage and its event isolation: in Redis when there is one (each
    update reads its conversation afresh: other instances share it), else in the database."""
    if scale.redis is None:
        in_database = SqlStorage(ConversationStore(db), remember=remember)
        return in_database, in_database.create_isolation()
    shared = redis_conversations(scale.redis, scale.prefix)
    storage = CachedStorage(shared)
    return storage, storage.create_isolation(shared=shared)


def chat_cancel_flags(scale: Scale, answers: SqlChatAnswers) -> CancelFlags:
    """Where /cancel reaches a chat answer streaming on another instance: Redis when the bot
    has it, else the answer's database row."""
    if scale.redis is not None:
        return RedisCancelFlags(scale.redis, scale.prefix)
    return answers


def _alone(settings: Settings, url: str) -> bool:
    """Whether this process receives every update of the bot: one long-polling instance
    (Telegram allows one `getUpdates` consumer), any instance on SQLite (one host, one
    instance), or one the operator declared single (SINGLE_INSTANCE). Its own reads and
    writes are then the only ones, and what it remembers of them (conversations, switches,
    handled updates) is exact; webhook instances sharing PostgreSQL without Redis read and
    claim in the database on every update."""
    return settings.single_instance or not settings.webhook_url or url.startswith("sqlite")


def _poller(jobs: JobService, sweeper: HoldSweeper, locks: Locks, owner: str) -> Poller:
    """The job poller, also sweeping orphaned holds (on one instance at a time)."""

    async def sweep() -> None:
        await run_exclusive(locks, "sweep-holds", sweeper.sweep, owner=owner)

    return Poller(jobs, sweep=sweep)


@asynccontextmanager
async def telegram_at_start(base: str) -> AsyncIterator[None]:
    """The first Bot API call: a refused token or an unreachable server stops start-up
    with one line naming the setting."""
    try:
        yield
    except TelegramUnauthorizedError as exc:
        raise ConfigError(say("startup.telegram_token", reason=exc.message)) from exc
    except TelegramNetworkError as exc:
        reason = " ".join(exc.message.split())[:200]
        raise ConfigError(say("startup.telegram_unreachable", base=base, reason=reason)) from exc


def freeze_startup_heap() -> None:
    """Collect once, then exempt what start-up built (catalog, translations, models of the
    libraries) from later garbage collections: a full collection then walks only what the
    bot allocated since, which keeps its pauses out of the update latency's tail.

    The young generation is then collected every `GC_YOUNG` net allocations instead of
    Python's 700: an update allocates thousands of short-lived containers, so at 700 the
    collector ran several times per update and walked the survivors again in the older
    generation. At 200 updates/s that was 0.3-1.3 s of collections in a 17 s window;
    ~0.1-0.2 s at 10,000, in pauses of ~5-10 ms about once a second.
    """
    gc.collect()
    gc.freeze()
    _young, *older = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, *older)


async def serve(app: App) -> None:
    """Run the HTTP server, the job poller and the update source until cancelled."""
    settings = app.settings
    if settings.webhook_url:
        mount_webhook(
            app.web_app,
            app.dp,
            app.bot,
            settings.webhook_secret,
            refused=app.metrics.update_refused,
        )
    runner = web.AppRunner(app.web_app)
    await runner.setup()
    app.stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    try:
        await site.start()
    except OSError as exc:  # taken since `check_port` looked, or never checked (tests)
        raise bind_error(exc, settings.http_host, settings.http_port) from exc
    app.tasks.append(asyncio.create_task(app.poller.run(app.stop)))
    freeze_startup_heap()
    if app.alerter is not None and app.kie_credits is not None:
        app.tasks.append(asyncio.create_task(watch_credits(app.kie_credits, app.alerter)))
    if app.watch_prices is not None:
        app.tasks.append(asyncio.create_task(app.watch_prices()))
    async with telegram_at_start(settings.telegram_api_base):
        if settings.webhook_url:
            url = settings.webhook_url.rstrip("/") + WEBHOOK_PATH
            await app.bot.set_webhook(url, secret_token=settings.webhook_secret or None)
        else:
            await app.bot.delete_webhook(drop_pending_updates=False)
    if settings.webhook_url:
        await app.stop.wait()
        return
    # Not aiogram's `start_polling`: it confirms updates before they are handled, so a
    # killed process lost the one it was handling (`scale.polling`).
    app.polling = DurablePolling(app.dp, app.bot, app.inbox)
    await app.polling.run()
