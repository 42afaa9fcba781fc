"""The admin panel's storage: user look-up, stats by day, model switches, the migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from billing_kit import ADMIN_ID, TABLES, Money
from sqlalchemy import Table, text
from sqlalchemy.engine import Connection

from kiegram.billing import DayStats, EntryKind, ModelSwitches
from kiegram.storage.db import Base, create_engine


async def test_look_users_up_by_id_or_username(money: Money) -> None:
    await money.user(ADMIN_ID, username="Boss")
    await money.user(50, balance=10, username="Alice_K")
    found = await money.users.find("@alice_k")
    assert found is not None and (found.id, found.balance, found.is_admin) == (50, 10, False)
    admin = await money.users.find(str(ADMIN_ID))
    assert admin is not None and admin.is_admin
    assert await money.users.find("@nobody") is None
    await money.users.touch(50, "alice_new", "en")
    assert await money.users.find("alice_k") is None
    refreshed = await money.users.get(50)
    assert refreshed is not None and (refreshed.username, refreshed.language) == ("alice_new", "ru")
    await money.users.set_language(50, "en")
    assert (await money.users.get(50)).language == "en"  # type: ignore[union-attr]


async def test_broadcast_cursor_skips_banned_users(money: Money) -> None:
    for user_id in (60, 61, 62, 63):
        await money.user(user_id)
    await money.users.set_blocked(62, True)
    assert await money.users.ids_after(0, 2) == [60, 61]
    assert await money.users.ids_after(61, 10) == [63]


async def test_stats_count_users_generations_and_stars_by_day(money: Money) -> None:
    today = datetime.now(UTC).date()
    await money.user(70, balance=0)
    await money.payments.credit_payment(70, 100, 50, "c-1")
    await money.payments.credit_payment(70, 500, 230, "c-2")
    await money.payments.refund_payment("c-1")
    await money.ledger.hold(70, 10, "g-1")
    await money.ledger.capture("g-1")
    await money.ledger.hold(70, 10, "g-2")
    await money.ledger.release("g-2")
    await money.quota.use_free(70, today, "free-1")
    stats = await money.repo.day_stats(today - timedelta(days=1), today)
    assert stats == [
        DayStats(today - timedelta(days=1)),
        DayStats(today, new_users=1, generations=2, stars=280, refunded_stars=50),
    ]


async def test_model_switches_turn_off_and_on(money: Money) -> None:
    await money.repo.set_switch("kling/v2-1-pro", "", False)
    await money.repo.set_switch("veo3", "resolution=1080p", False)
    await money.repo.set_switch("kling/v2-1-pro", "", True)
    assert await money.repo.switches() == {
        ("kling/v2-1-pro", ""): True,
        ("veo3", "resolution=1080p"): False,
    }


async def test_ledger_kinds_are_recorded(money: Money, billing_url: str) -> None:
    await money.user(80, balance=30)
    await money.ledger.hold(80, 10, "k-1")
    await money.ledger.capture("k-1")
    engine = create_engine(billing_url)
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT kind, amount FROM ledger_entries ORDER BY id"))
        assert [tuple(r) for r in rows] == [
            (EntryKind.TOPUP, 30),
            (EntryKind.HOLD, -10),
            (EntryKind.CAPTURE, 0),
        ]
    await engine.dispose()


async def test_the_migration_matches_the_models(billing_url: str) -> None:
    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection)
        changes = compare_metadata(context, Base.metadata)
        return [c for c in changes if _table_of(c) in TABLES]

    engine = create_engine(billing_url)
    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []
    await engine.dispose()


def _table_of(change: Any) -> str | None:
    """The table an autogenerate change touches (a change may be a list of column diffs)."""
    item = change[0] if isinstance(change, list) else change
    for part in item[1:]:
        if isinstance(part, Table):
            return str(part.name)
        owner = getattr(part, "table", None)
        if isinstance(owner, Table):
            return str(owner.name)
        if isinstance(part, str) and part in TABLES:
            return part
    return None


async def test_switch_board_hides_switched_off_models_and_options(money: Money) -> None:
    switches = ModelSwitches(money.repo)
    await switches.set_model("flux-2/pro", False)
    await switches.set_option("veo3", "resolution", "1080p", False)
    await switches.set_option("veo3", "generate_audio", True, False)
    board = await switches.board()
    assert not board.model_on("flux-2/pro") and board.model_on("veo3")
    assert not board.allows("veo3", {"resolution": "1080p"})
    assert board.allows("veo3", {"resolution": "720p", "generate_audio": False})
    assert not board.option_on("veo3", "generate_audio", True)
    await switches.set_model("flux-2/pro", True)
    assert (await switches.board()).model_on("flux-2/pro")


async def test_another_instances_switch_is_seen_within_max_age_or_at_once_when_fresh(
    money: Money,
) -> None:
    now = [100.0]
    reader = ModelSwitches(money.repo, max_age=5.0, clock=lambda: now[0])
    admin = ModelSwitches(money.repo)  # another instance's admin panel
    assert (await reader.board()).model_on("flux-2/pro")
    await admin.set_model("flux-2/pro", False)
    now[0] += 4.0
    assert (await reader.board()).model_on("flux-2/pro")  # menus may lag up to max_age
    assert not (await reader.board(fresh=True)).model_on("flux-2/pro")  # confirm never does
    await admin.set_model("flux-2/pro", True)
    now[0] += 5.0
    assert (await reader.board()).model_on("flux-2/pro")
    await reader.set_model("veo3", False)  # this instance's own change: seen at once
    assert not (await reader.board()).model_on("veo3")


async def test_a_process_that_makes_every_change_reads_the_switches_once(money: Money) -> None:
    reads = [0]
    real = money.repo.switches

    async def counted() -> dict[tuple[str, str], bool]:
        reads[0] += 1
        return await real()

    money.repo.switches = counted  # type: ignore[method-assign]
    alone = ModelSwitches(money.repo, alone=True)
    assert (await alone.board(fresh=True)).model_on("flux-2/pro")
    assert (await alone.board(fresh=True)).model_on("flux-2/pro")
    assert reads == [1]  # confirm after confirm: no read
    await alone.set_model("flux-2/pro", False)
    assert not (await alone.board(fresh=True)).model_on("flux-2/pro")  # its own change at once
    assert reads == [2]
    shared = ModelSwitches(money.repo)  # behind a webhook with other instances
    await shared.board(fresh=True)
    await shared.board(fresh=True)
    assert reads == [4]


async def test_a_model_off_by_default_is_off_until_switched_on_and_can_go_off_again(
    money: Money,
) -> None:
    switches = ModelSwitches(money.repo, default_off=["sora-2-text-to-video"])
    board = await switches.board()
    assert not board.model_on("sora-2-text-to-video") and board.model_on("veo3")
    assert not board.allows("sora-2-text-to-video", {})
    await switches.set_model("sora-2-text-to-video", True)
    assert (await switches.board()).model_on("sora-2-text-to-video")
    other = ModelSwitches(money.repo, default_off=["sora-2-text-to-video"])  # another instance
    assert (await other.board(fresh=True)).model_on("sora-2-text-to-video")
    await switches.set_model("sora-2-text-to-video", False)
    assert not (await switches.board()).model_on("sora-2-text-to-video")
