"""The chat models are data: every one loads with a price per 1M tokens, a context window
and a longest answer; the token arithmetic prices an exchange."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kiegram.catalog.chat_models import count_tokens, load_chat_models, message_tokens
from kiegram.errors import CatalogError


def test_the_documented_chat_models_load() -> None:
    models = load_chat_models()
    ids = [m.id for m in models]
    assert {"gemini-2.5-flash", "gemini-2.5-pro", "claude-sonnet-4-5"} <= set(ids)
    assert models.default.id == "gemini-2.5-flash"
    for model in models:
        assert model.input_per_m > 0 and model.output_per_m >= model.input_per_m
        assert model.max_output < model.context
        assert model.name.get("ru") and model.description.get("en")
    assert models.at(models.index("claude-sonnet-4-5")) == models.get("claude-sonnet-4-5")
    assert models.at(99) is None and models.get("nope") is None


def test_an_exchange_is_priced_by_its_tokens() -> None:
    flash = load_chat_models().get("gemini-2.5-flash")
    assert flash is not None
    assert flash.credits(1_000_000, 0) == Decimal(60)
    assert flash.credits(1000, 500) == Decimal("0.31")  # 0.06 in + 0.25 out


def test_tokens_are_counted_cautiously() -> None:
    assert count_tokens("") == 0
    assert count_tokens("abcdefg") == 3  # three characters a token, rounded up
    assert message_tokens("abc", images=1) == 4 + 1 + 1100


def test_a_broken_file_is_refused_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "chat.toml"
    bad.write_text('[[models]]\nid = "x"\n', "utf-8")
    with pytest.raises(CatalogError, match=r"chat\.toml"):
        load_chat_models(bad)
