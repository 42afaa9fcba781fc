"""Doctor's result type and its settings checks (no network)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from kiegram.settings import Settings

TOKEN_FORMAT = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
# Telegram accepts only these characters in a webhook secret_token.
WEBHOOK_SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One doctor check: what was found, what to do, and whether the bot may still start."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    fatal: bool = False

    @property
    def line(self) -> str:
        """`✔ name: detail` or `✘ name: what is wrong — what to do`."""
        if self.ok:
            return f"✔ {self.name}: {self.detail}"
        return f"✘ {self.name}: {self.detail}" + (f" — {self.fix}" if self.fix else "")


def passed(name: str, detail: str) -> CheckResult:
    """A passing check."""
    return CheckResult(name, True, detail)


def failed(name: str, detail: str, fix: str, *, fatal: bool = False) -> CheckResult:
    """A failing check with its remedy."""
    return CheckResult(name, False, detail, fix, fatal)


def check_token(settings: Settings) -> CheckResult:
    """BOT_TOKEN is set and shaped like `<digits>:<30+ characters>`."""
    fix = "copy the token @BotFather gave you into BOT_TOKEN"
    if not settings.bot_token:
        return failed("bot_token", "BOT_TOKEN is not set", fix, fatal=True)
    if not TOKEN_FORMAT.match(settings.bot_token):
        return failed("bot_token", "BOT_TOKEN is not a bot token (<id>:<secret>)", fix, fatal=True)
    return passed("bot_token", f"well-formed (bot id {settings.bot_token.split(':')[0]})")


def check_kie_key(settings: Settings) -> CheckResult:
    """A usable KIE_API_KEY, or sandbox mode when there is none."""
    if settings.sandbox:
        return passed("kie_key", "no KIE_API_KEY: sandbox mode, generations are simulated")
    key = settings.kie_api_key
    if not key.isprintable() or any(c.isspace() for c in key):
        fix = "paste the key from https://kie.ai/api-key without spaces or quotes"
        return failed(
            "kie_key", "KIE_API_KEY contains spaces or control characters", fix, fatal=True
        )
    return passed("kie_key", "set")


def _url_problem(name: str, value: str, *, https: bool = False) -> str | None:
    parts = urlsplit(value)
    schemes = ("https",) if https else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname:
        return f"{name} is not a{'n https' if https else ' http(s)'} URL: {value!r}"
    return None


def check_urls(settings: Settings) -> CheckResult:
    """Every configured URL is well-formed; the webhook has a usable secret."""
    problems = [
        _url_problem("TELEGRAM_API_BASE", settings.telegram_api_base),
        _url_problem("KIE_BASE_URL", settings.kie_base_url),
        _url_problem("KIE_UPLOAD_BASE_URL", settings.kie_upload_base_url),
        _url_problem("WEBHOOK_URL", settings.webhook_url) if settings.webhook_url else None,
        _url_problem("PUBLIC_URL", settings.public_url) if settings.public_url else None,
    ]
    if settings.webhook_url and not WEBHOOK_SECRET_FORMAT.match(settings.webhook_secret):
        problems.append("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    found = [p for p in problems if p]
    if found:
        fix = "fix these values in the environment or .env"
        return failed("urls", "; ".join(found), fix, fatal=True)
    mode = "webhook" if settings.webhook_url else "long polling"
    callbacks = "KIE callbacks on" if settings.public_url else "KIE results by polling"
    return passed("urls", f"well-formed ({mode}, {callbacks})")


def check_callback_key(settings: Settings) -> CheckResult:
    """With callbacks on (PUBLIC_URL), KIE_WEBHOOK_KEY must be set so forged ones are refused."""
    if settings.public_url and not settings.kie_webhook_key:
        fix = "set KIE_WEBHOOK_KEY to a long random string"
        detail = (
            "PUBLIC_URL is set but KIE_WEBHOOK_KEY is empty: callbacks are not verified, "
            "anyone may post them (each task is then read at KIE at most every 30 s)"
        )
        return failed("callback_key", detail, fix)
    return passed("callback_key", "set" if settings.kie_webhook_key else "not needed")


def check_admins(settings: Settings) -> CheckResult:
    """At least one admin, every id a positive Telegram user id."""
    fix = "set ADMIN_IDS to your numeric Telegram user id (comma-separated for several)"
    if not settings.admin_ids:
        return failed("admins", "ADMIN_IDS is empty: nobody can use the admin commands", fix)
    bad = [str(i) for i in settings.admin_ids if i <= 0]
    if bad:
        return failed("admins", f"ADMIN_IDS has ids that are not users: {', '.join(bad)}", fix)
    chat = f", alerts to chat {settings.admin_chat_id}" if settings.admin_chat_id else ""
    return passed("admins", f"{len(settings.admin_ids)} admin(s){chat}")


def settings_checks(settings: Settings) -> list[CheckResult]:
    """Every check that needs no network."""
    checks = (check_token, check_kie_key, check_urls, check_callback_key, check_admins)
    return [check(settings) for check in checks]
