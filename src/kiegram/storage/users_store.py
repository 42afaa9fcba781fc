"""The billing core's UserStore on SQLAlchemy: registration, look-ups, referrer, ban flag."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kiegram.billing.records import UserInfo
from kiegram.storage.billing_tables import Referral, User, utcnow
from kiegram.storage.db import insert_if_new, session_factory
from kiegram.storage.direct import Direct, fast_path

STORED_USERS = 50_000  # users whose stored username this process remembers (~100 bytes each)
# Built once and run on the driver (`direct`): every /start touches the user (confirm too,
# when this process has not stored that user and username yet).
_USERS = cast(Table, User.__table__)
_REFRESH = (
    update(_USERS)
    .where(_USERS.c.id == bindparam("user_id"))
    .values(username=bindparam("new_username"))
    .returning(*_USERS.c)
)


class SqlUserStore:
    """UserStore over an async engine; `admin_ids` marks admins in UserInfo."""

    def __init__(self, db: Direct | AsyncEngine, admin_ids: Collection[int] = ()) -> None:
        self._direct = fast_path(db)
        engine = self._direct.engine
        self._sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        self._admins = frozenset(admin_ids)
        self._stored: dict[int, str | None] = {}  # user -> the username this process stored

    def _info(self, row: Any) -> UserInfo:
        return UserInfo(
            id=row.id,
            username=row.username,
            language=row.language,
            created_at=row.created_at,
            referrer_id=row.referrer_id,
            blocked=row.blocked,
            balance=row.balance,
            is_admin=row.id in self._admins,
        )

    async def touch(
        self, user_id: int, username: str | None, language: str, referrer_id: int | None = None
    ) -> UserInfo:
        """Create the user (with `referrer_id`, new users only) or refresh their username.

        Known users (nearly every call) cost one UPDATE ... RETURNING. Each statement stands
        on its own (no transaction: two round trips fewer on PostgreSQL).
        """
        refresh = {"user_id": user_id, "new_username": username}
        created = False
        async with self._direct.connect() as conn:
            row = (await conn.execute(_REFRESH, refresh)).first()
            if row is None:
                values: dict[str, Any] = {"id": user_id, "username": username, "language": language}
                values |= {"created_at": utcnow(), "blocked": False, "balance": 0}
                new = insert_if_new(_USERS, conn.dialect.name, returning=True)
                row = (await conn.execute(new, values)).first()
                created = row is not None
                if row is None:  # another update of theirs registered them just now
                    row = (await conn.execute(_REFRESH, refresh)).one()
        self._remember(user_id, username)
        if created and referrer_id is not None and await self.set_referrer(user_id, referrer_id):
            info = await self.get(user_id)
            assert info is not None  # just inserted; users are never deleted
            return info
        return self._info(row)

    async def ensure(self, user_id: int, username: str | None, language: str) -> None:
        """`touch` without the answer, skipped when this process stored that user with that
        username already (confirm needs the user's row, which /start made)."""
        if user_id in self._stored and self._stored[user_id] == username:
            return
        await self.touch(user_id, username, language)

    def _remember(self, user_id: int, username: str | None) -> None:
        if len(self._stored) >= STORED_USERS:
            self._stored.clear()  # the next confirm of each touches once more: harmless
        self._stored[user_id] = username

    async def set_language(self, user_id: int, language: str) -> None:
        """Store the interface language the user chose."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(User).where(User.id == user_id).values(language=language))

    async def set_referrer(self, user_id: int, referrer_id: int) -> bool:
        """Set who invited the user, once; never themself or someone they invited."""
        if user_id == referrer_id:
            return False
        async with self._sessions() as session, session.begin():
            upline = await session.scalar(select(User.referrer_id).where(User.id == referrer_id))
            known = await session.scalar(select(User.id).where(User.id == referrer_id))
            if known is None or upline == user_id:
                return False
            claim = update(User).where(User.id == user_id, User.referrer_id.is_(None))
            done = await session.execute(claim.values(referrer_id=referrer_id))
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return False
            row = {"invited_id": user_id, "referrer_id": referrer_id, "created_at": utcnow()}
            await session.execute(insert(Referral).values(**row))
            return True

    async def get(self, user_id: int) -> UserInfo | None:
        """A user by Telegram id."""
        async with self._sessions() as session:
            row = await session.get(User, user_id, populate_existing=True)
            return None if row is None else self._info(row)

    async def by_username(self, username: str) -> UserInfo | None:
        """A user by @username, case-insensitive."""
        name = username.strip().removeprefix("@").lower()
        async with self._sessions() as session:
            row = await session.scalar(select(User).where(func.lower(User.username) == name))
            return None if row is None else self._info(row)

    async def find(self, query: str) -> UserInfo | None:
        """A user by numeric id or @username (the admin's look-up box)."""
        text = query.strip()
        if text.lstrip("-").isdigit():
            return await self.get(int(text))
        return await self.by_username(text)

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        """Ban or unban a user."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(User).where(User.id == user_id).values(blocked=blocked))

    async def ids_after(self, cursor: int, limit: int) -> list[int]:
        """Ids of users not banned, above `cursor`, ascending (resumable broadcasts)."""
        query = (
            select(User.id)
            .where(User.id > cursor, User.blocked.is_(False))
            .order_by(User.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            return list(await session.scalars(query))
