"""Typed settings read once from the environment and a `.env` file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from kiegram.errors import ConfigError


class Settings(BaseSettings):
    """Everything an operator configures; nothing else reads the environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    bot_token: str = ""
    telegram_api_base: str = "https://api.telegram.org"
    # The largest file moved either way (a result to Telegram, a user's file to KIE); unset:
    # 50 MB on api.telegram.org (its upload limit), 2000 MB on a local Bot API server.
    max_file_mb: int | None = Field(default=None, ge=1, le=2000)
    webhook_url: str = ""
    webhook_secret: str = ""
    kie_api_key: str = ""
    kie_base_url: str = "https://api.kie.ai"
    kie_upload_base_url: str = "https://kieai.redpandaai.co"
    kie_webhook_key: str = ""
    # KIE takes 20 new tasks per 10 s per account unless support raised the account's limit.
    kie_creates_per_10s: int = Field(default=20, ge=1)
    public_url: str = ""  # where KIE can reach our callback endpoint
    database_url: str = ""
    # A database connection this old is closed and replaced at its next use (a proxy or the
    # server may drop idle ones; a long-lived one holds server memory).
    db_recycle_seconds: float = Field(default=1800.0, gt=0)
    redis_url: str = ""
    redis_prefix: str = "kiegram"  # namespaces every Redis key (several bots on one Redis)
    # This process is the bot's only one (implied on SQLite and while long polling): behind
    # a webhook on PostgreSQL without Redis it then keeps conversations, switches and the
    # update gate in memory instead of reading and claiming in the database on every update.
    single_instance: bool = False
    job_lease_seconds: float = Field(default=10.0, gt=0)  # how long a dead instance holds a job
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    admin_chat_id: int | None = None
    data_dir: Path = Path("data")
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    log_format: str = "text"
    log_level: str = "INFO"
    # Pricing: users buy "units" for Stars; a model's price is its KIE credits * markup /
    # kie_credits_per_unit, rounded up to a multiple of price_rounding units.
    kie_credits_per_unit: Decimal = Field(default=Decimal(1), gt=0)
    markup: Decimal = Field(default=Decimal("1.5"), gt=0)
    price_rounding: int = Field(default=1, ge=1)
    stars_packs: str = "100:50,500:230,1000:450,5000:2100"  # units:stars, comma-separated
    # Card top-ups through a Telegram payment provider (BotFather > Payments): off without a
    # token. CARD_PACKS is units:price in PAYMENT_CURRENCY, e.g. "100:199,500:899".
    payment_provider_token: str = ""
    payment_currency: str = "RUB"
    card_packs: str = ""
    payment_receipt: str = ""  # "yookassa": ask the e-mail and send YooKassa's receipt
    payment_vat_code: int = Field(default=1, ge=1, le=12)  # YooKassa's vat_code (1: no VAT)
    free_daily_generations: int = Field(default=3, ge=0)
    free_max_units: int = Field(default=5, ge=0)  # free only when the price is at most this
    referral_bonus_units: int = Field(default=20, ge=0)
    # The chat section (KIE's language models): a streamed answer's message is edited at most
    # once per CHAT_EDIT_SECONDS (Telegram allows about one edit a second per chat); the
    # context sent is at most CHAT_CONTEXT_TOKENS (and the model's window); each user keeps
    # their last CHAT_HISTORY_KEEP messages; CHAT_FREE lets the daily free quota cover chat
    # messages priced within FREE_MAX_UNITS.
    chat_edit_seconds: float = Field(default=1.0, gt=0)
    chat_context_tokens: int = Field(default=16000, ge=500)
    chat_history_keep: int = Field(default=200, ge=2)
    chat_free: bool = False

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        """PostgreSQL through asyncpg or an SQLite file: the drivers `storage.direct` runs
        statements on. The plain schemes operators paste (postgresql://, sqlite://) are
        given their driver."""
        if not value:
            return value
        scheme, sep, rest = value.partition("://")
        driver = _DRIVERS.get(scheme.lower())
        if not sep or driver is None:
            raise ValueError(
                "use postgresql+asyncpg://user:password@host/db or sqlite+aiosqlite:///path/file"
            )
        if driver.startswith("sqlite") and rest.lstrip("/") in ("", ":memory:"):
            raise ValueError("SQLite needs a file: sqlite+aiosqlite:///path/file")
        return f"{driver}://{rest}"

    @property
    def sandbox(self) -> bool:
        """True when no KIE key is set: KIE is simulated in-process."""
        return not self.kie_api_key

    @property
    def max_file_bytes(self) -> int:
        """MAX_FILE_MB in bytes, or the limit of the Bot API server in use."""
        if self.max_file_mb is not None:
            return self.max_file_mb * MB
        official = self.telegram_api_base.rstrip("/") == OFFICIAL_BOT_API
        return (50 if official else 2000) * MB

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL, or an SQLite file under DATA_DIR."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'kiegram.sqlite3').resolve()}"


MB = 1024 * 1024
OFFICIAL_BOT_API = "https://api.telegram.org"
_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}


def load_settings(**overrides: object) -> Settings:
    """Read settings once; malformed values raise ConfigError with one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        problem = str(first["msg"]).removeprefix("Value error, ")  # pydantic's wording
        raise ConfigError(f"setting {name} is invalid: {problem}") from exc
