"""The request examples of Suno's upload-and-cover and upload-and-extend pages
(`docs_examples/suno_uploads.json`), typed into `kiegram try --dry-run` for the models of the
user's own track (the follow-ups' cases are in part 4), the printed body compared byte for byte."""

from __future__ import annotations

from docs_examples_kit import docs_example_test

test_the_docs_example_is_the_printed_body = docs_example_test("suno_uploads")
