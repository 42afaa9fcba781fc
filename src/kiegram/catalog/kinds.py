"""The closed sets the model specs choose from: input and output kinds, menu categories,
API families, how a schema was confirmed, what part of a parent a follow-up takes."""

from __future__ import annotations

from enum import StrEnum


class InputKind(StrEnum):
    """How an input is asked and what JSON type it is sent as."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MEDIA = "media"  # one file URL
    MEDIA_LIST = "media_list"  # a list of file URLs
    TEXT_LIST = "text_list"  # a list of ids (e.g. earlier task ids): never asked
    STRUCT = "struct"  # object[] / nested arrays: never asked, never sent
    # From an earlier generation (`parent`): never typed; sent when required, or when the
    # model was started from that generation's result (an optional one: Omni's voice ids).
    TASK_REF = "task_ref"
    OBJECT_LIST = "object_list"  # object[] whose items are `item_fields`, asked one by one


class MediaKind(StrEnum):
    """What a person sends for a media input."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


class Category(StrEnum):
    """What a model does, as the menus group it."""

    TEXT_TO_IMAGE = "text-to-image"
    IMAGE_TO_IMAGE = "image-to-image"
    IMAGE_EDIT = "image-edit"
    UPSCALE = "upscale"
    BACKGROUND_REMOVAL = "background-removal"
    OUTPAINT = "outpaint"
    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    VIDEO_TO_VIDEO = "video-to-video"
    VIDEO_UPSCALE = "video-upscale"
    WATERMARK_REMOVAL = "watermark-removal"
    AVATAR = "avatar"
    SPEECH_TO_VIDEO = "speech-to-video"
    TEXT_TO_SPEECH = "text-to-speech"
    SPEECH_TO_TEXT = "speech-to-text"
    SOUND_EFFECT = "sound-effect"
    AUDIO_ISOLATION = "audio-isolation"
    MUSIC = "music"
    SUBJECT_DETECTION = "subject-detection"  # helpers of avatar models
    HUMAN_IDENTIFICATION = "human-identification"
    CHARACTER = "character-creation"  # a helper task whose result is an id for other models


class OutputKind(StrEnum):
    """What a successful generation delivers."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"


class ApiFamily(StrEnum):
    """Which KIE API a model is called through."""

    MARKET = "market"
    VEO = "veo"
    RUNWAY = "runway"
    LUMA = "luma"
    SUNO = "suno"
    MIDJOURNEY = "midjourney"
    GPT4O_IMAGE = "gpt4o-image"
    FLUX_KONTEXT = "flux-kontext"


class Confidence(StrEnum):
    """How the schema was confirmed (see models.json `about`)."""

    DOCS = "docs"
    DOCS_PARTIAL = "docs-partial"
    CODE_ONLY = "code-only"
    NOT_FOUND = "not-found"


class ParentPart(StrEnum):
    """Which part of the parent generation a task-reference input takes."""

    TASK_ID = "task_id"  # the parent's KIE task id
    ITEM_ID = "item_id"  # the id of one result item (Suno's audioId)
    # The id of one result item, sent as a one-item list (an Omni voice -> audio_ids).
    ITEM_IDS = "item_ids"
    INDEX = "index"  # the position of one result item, from 0 (Midjourney's 0-3 grid)
    NUMBER = "number"  # the position of one result item, from 1 (Midjourney vary: 1-4)
    URL = "url"  # the URL of one result item (an upload-based follow-up)
    INPUT = "input"  # one of the parent's own inputs (`input` names it; Suno's model)
    # The index KIE gave one result item, sent as a one-item integer list (a Grok segment
    # map's region -> segment edit's mask_indexs).
    SEGMENT = "segment"


class ModelStatus(StrEnum):
    """Whether users can see and run a model."""

    USABLE = "usable"
    HELD = "held"
