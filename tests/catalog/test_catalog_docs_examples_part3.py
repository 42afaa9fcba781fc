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

Offered models with no example collected (37): their pages are newer than the zh-CN copy (or,
for the Suno music video, the copy holds no request example), and the search corpora gave
no request example for them. Each still has a docs page; its example is to be added when found.

| model | page |
| --- | --- |
| elevenlabs/speech-to-text | market/elevenlabs/speech-to-text |
| nano-banana-2-1 | market/google/nanobanana-2-1 |
| minimax-h3/reference-to-video | market/minimax-h3/reference-to-video |
| ideogram/v3-reframe | market/ideogram/v3-reframe |
| kling-3.0-omni/text-to-video | market/kling/v3-omni-text-to-video |
| kling-3.0-omni/image-to-video | market/kling/v3-omni-image-to-video |
| kling-3.0-omni/reference-to-video | market/kling/v3-omni-reference-to-video |
| kling-3.0-omni/transformation | market/kling/v3-omni-transformation |
| midjourney | mj-api/generate-mj-image |
| mj-upscale | mj-api/upscale |
| mj-vary | mj-api/vary |
| gpt-image-2-5-flare-text-to-image | market/gpt/gpt-image-2-5-flare-text-to-image |
| gpt-image-2-5-flare-image-to-image | market/gpt/gpt-image-2-5-flare-image-to-image |
| gpt-image-2-5-sunburst-text-to-image | market/gpt/gpt-image-2-5-sunburst-text-to-image |
| gpt-image-2-5-sunburst-image-to-image | market/gpt/gpt-image-2-5-sunburst-image-to-image |
| 4o-image-api | 4o-image-api/generate-4-o-image |
| sora-2-text-to-video | market/sora2/sora-2-text-to-video |
| sora-2-image-to-video | market/sora2/sora-2-image-to-video |
| sora-2-pro-text-to-video | market/sora2/sora-2-pro-text-to-video |
| sora-2-pro-image-to-video | market/sora2/sora-2-pro-image-to-video |
| sora-watermark-remover | market/sora2/sora-watermark-remover |
| pixverse-v6/image-to-video | market/pixverse/image-to-video |
| pixverse-v6/extend | market/pixverse/extend |
| pixverse-v6/reference-to-video | market/pixverse/reference-to-video |
| qwen3/text-to-image | market/qwen3/text-to-image |
| qwen3/image-to-image | market/qwen3/image-to-image |
| qwen3/pro-text-to-image | market/qwen3-pro/text-to-image |
| qwen3/pro-image-to-image | market/qwen3-pro/image-to-image |
| qwen2-1/text-to-image | market/qwen2-1/text-to-image |
| qwen2-1/image-to-image | market/qwen2-1/image-to-image |
| seedream/5-pro-image-to-image | market/seedream/5-pro-image-to-image |
| seedream/5-pro-layer-decomposition | market/seedream/5-pro-layer-decomposition |
| seedream/5-flash-text-to-image | market/seedream/5-flash-text-to-image |
| seedream/5-flash-image-to-image | market/seedream/5-flash-image-to-image |
| suno-music-video | old-model/suno-api/create-music-video |
| wan/2-7-image | market/wan/2-7-image |
| wan/2-7-image-pro | market/wan/2-7-image-pro |
"""

from __future__ import annotations

from docs_examples_kit import docs_example_test

test_the_docs_example_is_the_printed_body = docs_example_test("part3")
