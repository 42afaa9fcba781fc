"""The wizard stays pure (no Telegram, HTTP or database imports); its texts exist in ru and en."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import kiegram.wizard
from kiegram.wizard.answers import Action
from kiegram.wizard.view import ScreenKind

SRC = Path(kiegram.wizard.__file__).parent
LOCALES = SRC.parent / "i18n"
CLI = SRC.parent / "cli" / "try_cmd.py"
FORBIDDEN = ("aiogram", "httpx", "sqlalchemy", "aiohttp", "redis", "asyncpg")


def test_the_wizard_imports_no_telegram_http_or_database_code() -> None:
    code = (
        "import json, sys, kiegram.wizard, kiegram.wizard.render, kiegram.wizard.engine;"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert bad == []
    ours = {m for m in loaded if m.startswith("kiegram.")}
    assert all(m.split(".")[1] in ("wizard", "catalog", "i18n", "errors") for m in ours), ours


def _keys(lang: str) -> set[str]:
    with (LOCALES / lang / "wizard.toml").open("rb") as handle:
        return set(tomllib.load(handle))


def _used() -> set[str]:
    sources = [*SRC.glob("*.py"), CLI]
    found = {m for path in sources for m in re.findall(r'"wizard\.([a-z_]+)"', path.read_text())}
    # Keys built at run time: questions per kind, media words, nav buttons, final screens.
    found |= {"ask_choice", "ask_boolean", "media_image", "media_video", "media_audio"}
    found |= {"many_image", "many_video", "many_audio", "many_file", "media_file"}
    found |= {
        f"btn_{a.name.lower()}"
        for a in Action
        # ADD and REMOVE are object-list buttons, in shapes.toml.
        if a.name not in ("OPTION", "BOOL", "NUMBER", "OPEN", "TOGGLE", "ADD", "REMOVE", "EXAMPLE")
    }
    found |= {s.value for s in (ScreenKind.CONFIRMED, ScreenKind.CANCELLED, ScreenKind.CLOSED)}
    return found


def test_ru_and_en_have_the_same_keys_and_every_key_is_used() -> None:
    assert _keys("ru") == _keys("en")
    assert _keys("ru") == _used(), (_keys("ru") - _used(), _used() - _keys("ru"))
