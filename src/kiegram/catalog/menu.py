"""The menu sections users browse, and which model categories each one shows."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kiegram.catalog.kinds import Category

MENU_SECTIONS: Mapping[str, tuple[Category, ...]] = MappingProxyType(
    {
        "create_image": (Category.TEXT_TO_IMAGE,),
        "edit_image": (Category.IMAGE_TO_IMAGE, Category.IMAGE_EDIT, Category.OUTPAINT),
        "image_to_video": (Category.IMAGE_TO_VIDEO,),
        "text_to_video": (Category.TEXT_TO_VIDEO,),
        "video_tools": (
            Category.VIDEO_TO_VIDEO,
            Category.VIDEO_UPSCALE,
            Category.WATERMARK_REMOVAL,
            Category.CHARACTER,
        ),
        "avatars": (
            Category.AVATAR,
            Category.SPEECH_TO_VIDEO,
            Category.SUBJECT_DETECTION,
            Category.HUMAN_IDENTIFICATION,
        ),
        "upscale": (Category.UPSCALE, Category.BACKGROUND_REMOVAL),
        "music": (Category.MUSIC,),
        "speech": (
            Category.TEXT_TO_SPEECH,
            Category.SPEECH_TO_TEXT,
            Category.SOUND_EFFECT,
            Category.AUDIO_ISOLATION,
        ),
    }
)
"""Menu section id -> the categories it lists, in menu order."""

SECTION_OF: Mapping[Category, str] = MappingProxyType(
    {category: section for section, cats in MENU_SECTIONS.items() for category in cats}
)
"""Category -> the menu section that reaches it."""


def section_of(category: Category) -> str | None:
    """The menu section that lists `category`, or None when no menu reaches it."""
    return SECTION_OF.get(category)
