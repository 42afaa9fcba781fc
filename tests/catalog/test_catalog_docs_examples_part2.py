"""The request examples of KIE's docs pages (kling, pixverse, wan, ...), typed into
`kiegram try MODEL --set k=v --dry-run`: the body printed must carry the example's values.

Each case names the docs page it copies (the English OpenAPI pages, docs/en/Market/...). A case
the engine cannot pass yet is an xfail(strict=True) naming the bug, so it fails once fixed.

Left out: qwen/image-edit's own example sends `prompt: ""`, while its page requires a prompt
(the case "with a prompt" below is that example with one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from kiegram.cli.main import main


@dataclass(frozen=True)
class Example:
    """One docs request example: the model, its `input`, which keys are files."""

    model: str
    page: str
    input: dict[str, Any]
    files: frozenset[str] = field(default_factory=frozenset)
    bug: str = ""  # why the engine cannot reproduce it yet (an xfail)

    def argv(self) -> list[str]:
        args = ["try", self.model, "--dry-run", "--json", "--lang", "en"]
        for name, value in self.input.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                flag = "--file" if name in self.files else "--set"
                args += [flag, f"{name}={_typed(item)}"]
        return args


def _typed(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


CAT = (
    "A white cat stands on a windowsill in warm afternoon light. The camera slowly pushes in "
    "as the cat blinks softly and turns to look outside."
)
LAKE = (
    "A cinematic sunrise illuminates a mist-shrouded mountain lake; the camera slowly sweeps "
    "across the water's surface as a flock of birds flies overhead."
)
BAND = (
    "In a bright rehearsal room, sunlight streams through the windows, and a standing "
    "microphone is placed in the center of the room. [Campus band female lead singer] stands "
    "in front of the microphone with her eyes closed, and other members stand around her. "
    '[Campus band female lead singer, singing loudly] Lead vocal: "I will do my best to heal '
    'you, with all my heart and soul..." The background is a cappella harmonies, and the '
    "camera slowly pans around the band members."
)
VILLA = (
    "Outdoor terrace of a European villa, by a dining table with a blue and white checkered "
    "tablecloth, a young white woman in a blue and white striped short-sleeve shirt and khaki "
    "shorts, with a brown belt, sits barefoot, opposite a young white man in a white T-shirt."
    "\n\nThe camera zooms in, the woman swirls the juice in a glass, her eyes looking at the "
    'distant woods, and says, "These trees will turn yellow in a month, won\'t they?"'
    "\n\nClose-up of the man, he lowers his head and says, \"But they'll be green again next "
    'summer."'
    '\n\nThen the woman turns her head, smiles at the man opposite, and says, "Are you always '
    'this optimistic? Or just about summer?"'
    '\n\nThen the man lifts his head, looks at the woman and says, "Only about summers with '
    'you."'
)
CITY = (
    "A futuristic city street at night, neon reflections shimmering on the wet ground. The "
    "camera slowly pushes forward as a silver hover car glides in from the left. Giant "
    "holographic billboards flicker in the distance, creating a cinematic atmosphere."
)
WAN25 = (
    "The same woman from the reference image looks directly into the camera, takes a breath, "
    'then smiles brightly and speaks with enthusiasm: "Have you heard? Alibaba Wan 2.5 API is '
    'now available on Kie.ai!" Ambient audio: quiet indoor atmosphere, soft natural room '
    "tone. Camera: medium close-up, steady framing, natural daylight mood, accurate lip-sync "
    "with dialogue."
)

CAFE = (
    "A full-process cafe design tool for entrepreneurs and designers. It covers core needs "
    "including store layout, functional zoning, decoration style, equipment selection, and "
    'customer group adaptation, supporting integrated planning of "commercial attributes + '
    'aesthetic design." Suitable as a promotional image for a cafe design SaaS product, with a '
    "16:9 aspect ratio."
)
HOODIE = (
    "Scene: A fashion live-streaming sales setting, with clothes hanging on racks and the "
    "host's figure reflected in a full-length mirror. Lines: [African female host] turns "
    "around to showcase the hoodie's cut. [African female host, in a cheerful tone] says: "
    '"360-degree flawless tailoring, slimming and versatile." She then [African female host] '
    "leans closer to the camera. [African female host, in a lively tone] says: "
    '"Double-sided fleece fabric, $30 off immediately when you order now."'
)

EXAMPLES = [
    Example(
        "kling-2.6/text-to-video",
        "docs.kie.ai/market/kling/text-to-video (request example)",
        {"prompt": HOODIE, "sound": False, "aspect_ratio": "1:1", "duration": "5"},
    ),
    Example(
        "seedream/4.5-text-to-image",
        "docs.kie.ai/market/seedream/4.5-text-to-image (request example)",
        {"prompt": CAFE, "aspect_ratio": "1:1", "quality": "basic"},
    ),
    Example(
        "kling-2.6/image-to-video",
        "docs.kie.ai/market/kling/image-to-video (request example)",
        {
            "prompt": BAND,
            "image_urls": [
                "https://static.aiquickdraw.com/tools/example/1764851002741_i0lEiI8I.png"
            ],
            "sound": False,
            "duration": "5",
        },
        frozenset({"image_urls"}),
    ),
    Example(
        "kling/v3-turbo-text-to-video",
        "docs.kie.ai/market/kling/v3-turbo-text-to-video (request example, five paragraphs)",
        {"prompt": VILLA, "duration": "5", "aspect_ratio": "16:9", "resolution": "720p"},
    ),
    Example(
        "pixverse-v6/text-to-video",
        "docs.kie.ai/market/pixverse/text-to-video (the fields' examples)",
        {
            "prompt": LAKE,
            "aspect_ratio": "16:9",
            "quality": "720p",
            "duration": 5,
            "generate_audio_switch": False,
            "generate_multi_clip_switch": False,
            "seed": 123456789,
        },
    ),
    Example(
        "pixverse-v6/transition",
        "docs.kie.ai/market/pixverse/transition (the fields' examples)",
        {
            "prompt": LAKE,
            "first_frame_image_url": "https://your-domain.com/images/first-frame.png",
            "last_frame_image_url": "https://your-domain.com/images/last-frame.png",
            "quality": "720p",
            "duration": 5,
            "generate_audio_switch": False,
            "seed": 123456789,
        },
        frozenset({"first_frame_image_url", "last_frame_image_url"}),
    ),
    Example(
        "wan/2-7-text-to-video",
        "docs.kie.ai/market/wan/2-7-text-to-video (request example)",
        {
            "prompt": CITY,
            "negative_prompt": "blurry, low quality, flicker, distorted characters",
            "audio_url": "https://your-domain.com/audio/custom-track.mp3",
            "resolution": "1080p",
            "ratio": "16:9",
            "duration": 5,
            "prompt_extend": True,
            "watermark": False,
            "seed": 123456,
        },
        frozenset({"audio_url"}),
    ),
    Example(
        "wan/2-7-image-to-video",
        "docs.kie.ai/market/wan/2-7-image-to-video (example 'First frame to video')",
        {
            "prompt": CAT,
            "negative_prompt": "blurry, flicker, low quality, distorted",
            "first_frame_url": "https://your-domain.com/assets/first-frame.png",
            "driving_audio_url": "https://your-domain.com/assets/driving-audio.mp3",
            "resolution": "1080p",
            "duration": 5,
            "prompt_extend": True,
            "watermark": False,
            "seed": 123456,
        },
        frozenset({"first_frame_url", "driving_audio_url"}),
    ),
    Example(
        "wan/2-7-image-to-video",
        "docs.kie.ai/market/wan/2-7-image-to-video (example 'Video continuation')",
        {
            "prompt": CAT,
            "negative_prompt": "blurry, flicker, low quality, distorted",
            "first_clip_url": "https://your-domain.com/assets/first-clip.mp4",
            "resolution": "1080p",
            "duration": 5,
            "prompt_extend": True,
            "watermark": False,
            "seed": 123456,
        },
        frozenset({"first_clip_url"}),
    ),
    Example(
        "wan/2-5-image-to-video",
        "docs.kie.ai/market/wan/2-5-image-to-video (request example)",
        {
            "prompt": WAN25,
            "image_url": "https://file.aiquickdraw.com/custom-page/akr/section-images/"
            "1758796480945qb63zxq8.webp",
            "duration": "5",
            "resolution": "1080p",
            "negative_prompt": "blurry, flicker, camera shake, distorted face, low quality",
            "enable_prompt_expansion": True,
            "seed": 123456,
            "nsfw_checker": False,
        },
        frozenset({"image_url"}),
    ),
    Example(
        "qwen/image-edit",
        "docs.kie.ai/market/qwen/image-edit (request example, with a prompt)",
        {
            "prompt": "make it watercolor",
            "image_url": "https://file.aiquickdraw.com/custom-page/akr/section-images/"
            "1755603225969i6j87xnw.jpg",
            "acceleration": "none",
            "image_size": "landscape_4_3",
            "num_inference_steps": 25,
            "guidance_scale": 4,
            "sync_mode": False,
            "enable_safety_checker": True,
            "output_format": "png",
            "negative_prompt": "blurry, ugly",
        },
        frozenset({"image_url"}),
    ),
]


def _case(example: Example) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=example.bug)] if example.bug else []
    return pytest.param(
        example, id=f"{example.model}:{example.page.split('(')[1][:-1]}", marks=marks
    )


@pytest.mark.parametrize("example", [_case(e) for e in EXAMPLES])
def test_the_docs_example_comes_out_as_documented(
    example: Example, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(example.argv())
    captured = capsys.readouterr()
    assert code == 0, captured.err
    body = json.loads(captured.out)
    assert body["model"] == example.model
    sent = body["input"]
    for name, value in example.input.items():
        assert name in sent, f"{example.page}: {name} is not sent"
        assert sent[name] == value, f"{example.page}: {name}"
        assert type(sent[name]) is type(value), f"{example.page}: {name} JSON type"
