"""KIE's chat models as data (`catalog/chat_data/chat.toml`): name, description, price per
1M input/output tokens in KIE credits, context window, longest answer, whether it sees
photos; and the token arithmetic the chat is priced by."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

from pydantic import ConfigDict, Field, ValidationError, field_validator

from kiegram.catalog.spec import Label, _Frozen
from kiegram.errors import CatalogError

CHAT_DATA = Path(__file__).parent / "chat_data" / "chat.toml"
CHARS_PER_TOKEN = 3  # a cautious count when KIE reports none (Cyrillic: ~2.5-4 per token)
TOKENS_PER_MESSAGE = 4  # role and separators
TOKENS_PER_IMAGE = 1100  # a photo as the vendors count it (~1k tokens at 1 MP)
MILLION = Decimal(1_000_000)


class ChatModel(_Frozen):
    """One chat model KIE serves at ``/{id}/v1/chat/completions``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    name: Label
    description: Label
    input_per_m: Decimal = Field(ge=0)  # KIE credits per 1M prompt tokens
    output_per_m: Decimal = Field(ge=0)  # KIE credits per 1M answer tokens
    context: int = Field(gt=0)
    max_output: int = Field(gt=0)
    images: bool = False
    default: bool = False

    @field_validator("input_per_m", "output_per_m", mode="before")
    @classmethod
    def _decimal(cls, value: object) -> object:
        return Decimal(value) if isinstance(value, str) else value

    def credits(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        """KIE credits for an exchange of this many tokens."""
        return (
            Decimal(prompt_tokens) * self.input_per_m
            + Decimal(completion_tokens) * self.output_per_m
        ) / MILLION


class ChatModels:
    """The chat models in file order; one is the default."""

    def __init__(self, models: Sequence[ChatModel]) -> None:
        if not models:
            raise CatalogError("chat.toml: no chat models")
        self._by_id = {m.id: m for m in models}
        if len(self._by_id) != len(models):
            raise CatalogError("chat.toml: a chat model id is listed twice")
        self.default = next((m for m in models if m.default), models[0])

    def __iter__(self) -> Iterator[ChatModel]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, model_id: str) -> ChatModel | None:
        """The model with this id, or None."""
        return self._by_id.get(model_id)

    def index(self, model_id: str) -> int:
        """The model's position (short callback data); -1 when unknown."""
        return next((i for i, m in enumerate(self) if m.id == model_id), -1)

    def at(self, index: int) -> ChatModel | None:
        """The model at this position, or None."""
        models = list(self)
        return models[index] if 0 <= index < len(models) else None


def load_chat_models(path: Path = CHAT_DATA) -> ChatModels:
    """Read and check the chat models file."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        return ChatModels([ChatModel.model_validate(raw) for raw in data.get("models", [])])
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise CatalogError(f"{path.name}: {exc}") from exc


def count_tokens(text: str) -> int:
    """A cautious token count of a text (used when KIE reports no usage)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def message_tokens(text: str, images: int = 0) -> int:
    """Tokens one message of the context takes."""
    return TOKENS_PER_MESSAGE + count_tokens(text) + images * TOKENS_PER_IMAGE
