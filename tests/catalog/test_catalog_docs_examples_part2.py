"""The request examples of KIE's docs pages (kling, pixverse, wan, ...), typed into
`kiegram try MODEL --set k=v --dry-run`: the body printed must be the example's, byte for byte.

Each case (`docs_examples/part2.json`, run by `docs_examples_kit`) names the docs page it copies
(the English OpenAPI pages, docs/en/Market/...); its id is the model and which example of the
page it is.

Left out: qwen/image-edit's own example sends `prompt: ""`, while its page requires a prompt
(the case "with a prompt" is that example with one).
"""

from __future__ import annotations

from docs_examples_kit import docs_example_test

test_the_docs_example_comes_out_as_documented = docs_example_test("part2")
