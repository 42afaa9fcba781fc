"""`kiegram doctor`: settings, Telegram, KIE, the database and Redis, one line per check."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from kiegram.errors import ConfigError
from kiegram.kie import KieAuthError, KieClient, KieError, KieTransportError, RetryPolicy
from kiegram.ops.checks import CheckResult, failed, passed, settings_checks
from kiegram.ops.doctor_storage import check_database, check_redis
from kiegram.ops.redaction import redact, register_settings_secrets
from kiegram.settings import Settings

CHECK_TIMEOUT = 15.0


async def check_telegram(
    settings: Settings, transport: httpx.AsyncBaseTransport | None
) -> CheckResult:
    """getMe with BOT_TOKEN at TELEGRAM_API_BASE."""
    base = settings.telegram_api_base.rstrip("/")
    url = f"{base}/bot{settings.bot_token}/getMe"
    try:
        async with httpx.AsyncClient(transport=transport, timeout=10.0) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        detail = redact(f"cannot reach {base} ({reason})")
        return failed("telegram", detail, "check the network and TELEGRAM_API_BASE")
    if response.status_code in (401, 404):
        fix = "the token was revoked or mistyped: get the current one from @BotFather"
        return failed(
            "telegram", f"Telegram refused BOT_TOKEN ({response.status_code})", fix, fatal=True
        )
    try:
        body = response.json()
        me = body["result"]
        return passed("telegram", f"@{me['username']} (id {me['id']})")
    except (ValueError, KeyError, TypeError):
        detail = f"unexpected answer to getMe (HTTP {response.status_code})"
        return failed("telegram", detail, "check that TELEGRAM_API_BASE points at a Bot API server")


async def check_kie(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> CheckResult:
    """The KIE account's credits, unless in sandbox mode."""
    if settings.sandbox:
        return passed("kie", "sandbox mode: not contacting KIE")
    client = KieClient(
        settings.kie_api_key,
        base_url=settings.kie_base_url,
        upload_base_url=settings.kie_upload_base_url,
        transport=transport,
        read_policy=RetryPolicy(attempts=1),
    )
    try:
        credits = await client.get_credits()
    except KieAuthError as exc:
        fix = "copy a valid key from https://kie.ai/api-key into KIE_API_KEY"
        return failed("kie", f"KIE refused KIE_API_KEY ({exc})", fix, fatal=True)
    except KieTransportError as exc:
        return failed(
            "kie",
            f"cannot reach {settings.kie_base_url} ({exc})",
            "check the network and KIE_BASE_URL",
        )
    except KieError as exc:
        return failed(
            "kie", f"KIE answered with an error: {exc}", "see https://kie.ai/logs; retry later"
        )
    finally:
        await client.aclose()
    if credits <= 0:
        return failed(
            "kie", "the KIE account has no credits left", "top up at https://kie.ai/billing"
        )
    return passed("kie", f"{credits:g} credits left")


async def _bounded(name: str, check: Awaitable[CheckResult]) -> CheckResult:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            return await check
    except TimeoutError:
        return failed(
            name, f"no answer within {CHECK_TIMEOUT:g}s", "check the network and the service"
        )


async def run_checks(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> list[CheckResult]:
    """Every check, in a fixed order; `transport` replaces the network for Telegram and KIE."""
    register_settings_secrets(settings)
    results = settings_checks(settings)
    bad = {r.name for r in results if not r.ok}
    pending: list[Awaitable[CheckResult]] = []
    if "bot_token" in bad or "urls" in bad:
        results.append(failed("telegram", "not checked", "fix BOT_TOKEN and the URLs first"))
    else:
        pending.append(_bounded("telegram", check_telegram(settings, transport)))
    if "kie_key" in bad or "urls" in bad:
        results.append(failed("kie", "not checked", "fix KIE_API_KEY and the URLs first"))
    else:
        pending.append(_bounded("kie", check_kie(settings, transport)))
    pending.append(_bounded("database", check_database(settings.effective_database_url)))
    if settings.redis_url:
        pending.append(_bounded("redis", check_redis(settings.redis_url)))
    results += await asyncio.gather(*pending)
    return results


def fatal(results: list[CheckResult]) -> list[CheckResult]:
    """The failures that must stop the bot from starting."""
    return [r for r in results if not r.ok and r.fatal]


def report(results: list[CheckResult], out: Callable[[str], object] = print) -> bool:
    """Print one line per check; True when every check passed."""
    for result in results:
        out(redact(result.line))
    return all(r.ok for r in results)


async def preflight(
    settings: Settings,
    out: Callable[[str], object] = print,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[CheckResult]:
    """Start-up checks: print every line, raise ConfigError listing the fatal failures."""
    results = await run_checks(settings, transport)
    report(results, out)
    stopping = fatal(results)
    if stopping:
        raise ConfigError("refusing to start: " + "; ".join(redact(r.line) for r in stopping))
    return results
