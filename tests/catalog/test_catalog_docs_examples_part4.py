"""The request examples of KIE's docs pages, part 4: families n–z (GPT Image, Qwen,
Recraft, Seedream, Topaz, Wan, Z-Image) and the dedicated APIs (Suno, Veo 3.1, Runway, 4o
Image, Flux Kontext) with their follow-ups, as far as parts 1 and 2 do not reproduce them.

Each case (`docs_examples/part4.json`, run by `docs_examples_kit`) is typed into
`kiegram try MODEL --set ... --file ... --dry-run` value by value and the printed body must be
the example's, byte for byte, with its JSON types. The bodies are copied verbatim from the
pages' OpenAPI `example` as the zh-CN docs (docs.kie.ai/cn/<page>) give them: a machine copy of
2026-06-30 kept in the public repository henjicc/Henji-AI (docs/api/KIE/...). Their values are
those of the English pages; only some prompts are Chinese there. The case id is the page's path
(the catalog entry's `docs_url`).

A case marked xfail(strict) names why it is not reproduced: "example:" when the example
contradicts its own page (the catalog follows the page), "catalog:" for a documented field the
chat does not offer yet. A strict xfail fails once the reason is gone.

The Wan 2.7 Image pages of that copy give no request example, only their `input` schema's
`examples`: those are their cases. Suno's generate-lyrics and get-timestamped-lyrics cases (the
lyrics models the catalog adds beyond the reference) come from the same copy. The offered models
whose page has no request example are listed in part 3.
"""

from __future__ import annotations

from docs_examples_kit import docs_example_test

test_the_docs_example_is_the_printed_body = docs_example_test("part4")
