"""The request examples of KIE's docs pages, part 5: pages whose example the zh-CN copy of parts
3 and 4 lacks (ElevenLabs speech-to-text and sound effects, Ideogram reframe, Midjourney and its
upscale, vary and video extension, the Sora 2 family, the Suno music video), found again for
issue #21.

Each case (`docs_examples/part5.json`, run by `docs_examples_kit`) names its `source`: the
page's own curl example on docs.kie.ai (English or /cn/), or KIE's staging copy of the page
(dog-test.kie.ai) where the live page's example was not stored. The body is the example's
`input` (or, for the dedicated APIs, its body without `callBackUrl`); a Market example's
`progressCallBackUrl` sits beside `input` and is left out like `callBackUrl`. The case id is
the catalog entry's `docs_url` path; the xfail wording is that of parts 3 and 4.
"""

from __future__ import annotations

from docs_examples_kit import docs_example_test

test_the_docs_example_is_the_printed_body = docs_example_test("part5")
