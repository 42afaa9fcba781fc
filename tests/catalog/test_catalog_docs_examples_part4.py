"""The request examples of KIE's docs pages, part 4: families n–z (GPT Image, Qwen,
Recraft, Seedream, Topaz, Wan, Z-Image) and the dedicated APIs (Suno, Veo 3.1, Runway, 4o
Image, Flux Kontext) with their follow-ups, as far as parts 1 and 2 do not reproduce them.

Its cases (`docs_examples/part4.json`) come from the same zh-CN copy as part 3's and are run
and marked the same way (see part 3).

The Wan 2.7 Image pages of that copy give no request example, only their `input` schema's
`examples`: those are their cases. Suno's generate-lyrics and get-timestamped-lyrics cases (the
lyrics models the catalog adds beyond the reference) come from the same copy. The offered models
whose page has no request example are listed in part 3.
"""

from __future__ import annotations

from docs_examples_kit import docs_example_test

test_the_docs_example_is_the_printed_body = docs_example_test("part4")
