"""What a person can answer: typed text, media (one file or an album) or a button press."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """A button's action; short, because it travels in Telegram's 64-byte callback data."""

    OPTION = "opt"  # arg: index into the input's catalog options
    BOOL = "bool"  # arg: 1 yes, 0 no
    NUMBER = "num"  # arg: index into the view's preset values
    SKIP = "skip"
    BACK = "back"
    RESET = "reset"
    CANCEL = "cancel"
    CLEAR = "clear"
    OPEN = "set"  # arg: index into spec.inputs of the setting to edit
    TOGGLE = "tog"  # arg: index into spec.inputs of the boolean to flip
    DONE = "done"  # settings -> confirm
    SETTINGS = "settings"  # confirm -> settings
    CONFIRM = "ok"
    ADD = "add"  # object list: start another item
    REMOVE = "rm"  # object list: arg is the index of the item to remove
    EXAMPLE = "ex"  # arg: index into the model's example prompts


@dataclass(frozen=True, slots=True)
class MediaRef:
    """One file: an http(s) URL or an opaque platform reference ("tg:<file_id>", "file:/p")."""

    ref: str
    media: str  # "image" | "video" | "audio"
    mime: str | None = None
    size: int | None = None
    name: str | None = None
    duration: float | None = None  # seconds, as Telegram reports for video, audio and voice

    def to_json(self) -> dict[str, Any]:
        """The JSON form stored in the wizard state."""
        return {
            "ref": self.ref,
            "media": self.media,
            "mime": self.mime,
            "size": self.size,
            "name": self.name,
            "duration": self.duration,
        }


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """A typed message; `exact` keeps its leading and trailing whitespace (`kiegram try`)."""

    text: str
    exact: bool = False


@dataclass(frozen=True, slots=True)
class MediaAnswer:
    """One file or an album collected into one answer, with the message's caption."""

    items: tuple[MediaRef, ...]
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Press:
    """A button press: the action and its small argument."""

    action: Action
    arg: int | str | None = None


Answer = TextAnswer | MediaAnswer | Press
