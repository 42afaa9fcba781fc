"""The request examples of KIE's docs pages, reproduced through `kiegram try --dry-run`.

One case per model page of the part-1 families (ByteDance and OmniHuman, ElevenLabs, Flux,
Google, Grok, Hailuo and MiniMax, HappyHorse, Ideogram, InfiniteTalk), as data in
`docs_examples/part1.json` and run by `docs_examples_kit`: each example's `input` is given value
by value (`--set`, `--file` for URLs) and the printed body must be the example's `model` and
`input` exactly, with their JSON types. The bodies are copied verbatim from the pages' OpenAPI
`example` (docs.kie.ai/<page>.md, as captured 2026-09-24; sound-effect-v2 from its page's own
example).

Pages left out because their example contradicts the page itself: sound-effect-v2 (it sends
`text: ""`, a required description; a strict xfail in part 5),
grok-imagine-image-2-0/text-to-image (`prompt: ""`, required) and
volcengine/video-to-video-lip-sync (it sends open_scenedet with mode lite; the page documents
scene detection for mode basic only, and `try` refuses a value that would not be sent rather
than drop it). The ElevenLabs text-to-speech pages (their example still sends the voice
"Rachel", which their own voice enum dropped; models.json fix), video-edit (its example's key
"reference_image " has a trailing space), gemini-omni-video (audio_ids and video_list, which a
chat never asks) and Veo 3.1 (the page now documents a createTask form, "veo-3-1" with
snake_case fields, while the catalog follows models.json's dedicated /veo/generate API). Parts
3 and 4 reproduce the other pages of these families (character-remix, the OmniHuman helpers,
Seedance 2, text-to-dialogue, Grok upscale/extend, ...) and of the rest of the catalog.
"""

from __future__ import annotations

from docs_examples_kit import CATALOG, cases, docs_example_test

test_the_docs_example_is_the_printed_body = docs_example_test("part1")


def test_every_family_of_part_one_has_an_example() -> None:
    families = {CATALOG.get(case["model"]).family for case in cases("part1")}  # type: ignore[union-attr]
    assert families >= {
        "bytedance",
        "elevenlabs",
        "flux",
        "google",
        "grok",
        "hailuo",
        "happyhorse",
        "ideogram",
        "infinitalk",
    }
