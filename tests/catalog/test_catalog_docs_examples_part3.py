"""The request examples of KIE's docs pages, part 3: families a–m (ByteDance, ElevenLabs,
Flux, Google, Grok, Hailuo, HappyHorse, Ideogram, Kling) not reproduced in parts 1 and 2.

Each case (`docs_examples/part3.json`, run by `docs_examples_kit`) is typed into
`kiegram try MODEL --set ... --file ... --dry-run` value by value and the printed body must be
the example's, byte for byte, with its JSON types. The bodies are copied verbatim from the
pages' OpenAPI `example` as the zh-CN docs (docs.kie.ai/cn/<page>) give them: a machine copy of
2026-06-30 kept in the public repository henjicc/Henji-AI (docs/api/KIE/...). Their values are
those of the English pages; only some prompts are Chinese there. The case id is the page's path
(the catalog entry's `docs_url`).

A case marked xfail(strict) names why it is not reproduced: "example:" when the example
contradicts its own page (the catalog follows the page), "catalog:" for a documented field the
chat does not offer yet. A strict xfail fails once the reason is gone.

Offered models with no example reproduced (31), checked against the catalog by the test below:
24 of the first list of 37 (parts 4 and 5 now hold the other 13), 5 added to the catalog since,
and 2 whose example contradicts its page (note 2). The pages of the first 27 are newer than the
zh-CN copy and than KIE's staging copy (dog-test.kie.ai); the search corpora hold their
docs.kie.ai pages only as far as the opening of their OpenAPI schema (the example stands at its
end), and no client or SDK in the code corpus copies their example: only third-party
transcriptions with their own values, which are not the page's. Each still has a docs page; its
example is to be added when found.

| model | page | note |
| --- | --- | --- |
| nano-banana-2-1 | market/google/nanobanana-2-1 | |
| minimax-h3/reference-to-video | market/minimax-h3/reference-to-video | |
| gemini-omni-audio | market/gemini-omni-audio (the corpora cut its OpenAPI short) | |
| gemini-omni-character | market/gemini-omni-character (the corpora cut its OpenAPI short) | |
| kling-3.0-omni/text-to-video | market/kling/v3-omni-text-to-video | |
| kling-3.0-omni/image-to-video | market/kling/v3-omni-image-to-video | |
| kling-3.0-omni/reference-to-video | market/kling/v3-omni-reference-to-video | |
| kling-3.0-omni/transformation | market/kling/v3-omni-transformation | |
| gpt-image-2-5-flare-text-to-image | market/gpt/gpt-image-2-5-flare-text-to-image | |
| gpt-image-2-5-flare-image-to-image | market/gpt/gpt-image-2-5-flare-image-to-image | |
| gpt-image-2-5-sunburst-text-to-image | market/gpt/gpt-image-2-5-sunburst-text-to-image | |
| gpt-image-2-5-sunburst-image-to-image | market/gpt/gpt-image-2-5-sunburst-image-to-image | |
| 4o-image-api | 4o-image-api/generate-4-o-image | 1 |
| pixverse-v6/image-to-video | market/pixverse/image-to-video | |
| pixverse-v6/extend | market/pixverse/extend | |
| pixverse-v6/reference-to-video | market/pixverse/reference-to-video | |
| qwen3/text-to-image | market/qwen3/text-to-image | |
| qwen3/image-to-image | market/qwen3/image-to-image | |
| qwen3/pro-text-to-image | market/qwen3-pro/text-to-image | |
| qwen3/pro-image-to-image | market/qwen3-pro/image-to-image | |
| qwen2-1/text-to-image | market/qwen2-1/text-to-image | |
| qwen2-1/image-to-image | market/qwen2-1/image-to-image | |
| seedream/5-pro-image-to-image | market/seedream/5-pro-image-to-image | |
| seedream/5-pro-layer-decomposition | market/seedream/5-pro-layer-decomposition | |
| seedream/5-flash-text-to-image | market/seedream/5-flash-text-to-image | |
| seedream/5-flash-image-to-image | market/seedream/5-flash-image-to-image | |
| seedream/5-flash-layer-decomposition | market/seedream/5-flash-layer-decomposition | |
| grok-imagine-image-2-0/segment-map | market/grok-imagine-image-2-0/segment-map | |
| grok-imagine-image-2-0/segment-edit | market/grok-imagine-image-2-0/image-edit | |
| grok-imagine-image-2-0/text-to-image | market/grok-imagine-image-2-0/text-to-image | 2 |
| volcengine/video-to-video-lip-sync | market/volcengine/video-to-video-lip-sync | 2 |

1: the Market form of 4o Image; every stored copy of the page documents the dedicated
/gpt4o-image/generate body instead, reproduced for `gpt4o-image` in part 4.
2: left out in part 1, whose docstring says how the example contradicts the page.
"""

from __future__ import annotations

import re

from docs_examples_kit import CATALOG, DATA, cases, docs_example_test

test_the_docs_example_is_the_printed_body = docs_example_test("part3")


def test_every_offered_model_has_an_example_or_is_listed_above() -> None:
    reproduced = {case["model"] for part in DATA.glob("*.json") for case in cases(part.stem)}
    listed = set(re.findall(r"^\| ([^ |]+) \| ", __doc__ or "", re.MULTILINE)) - {"model", "---"}
    offered = {spec.id for spec in CATALOG.usable()}
    assert offered - reproduced - listed == set(), "add its docs example, or list it with why not"
    assert listed & reproduced == set(), "reproduced now: take it off the list"
    assert listed <= offered
