"""A chat model's Markdown as Telegram HTML: a safe subset converted, everything else
escaped, never a tag left open; long answers cut between paragraphs."""

from __future__ import annotations

import random
import re

from kiegram.bot.chat_html import balanced, split_parts, to_html, visible_length

OUR_TAGS = re.compile(r"</?(b|i|s|code|pre)>|<a href=\"https?://[^\"<>]*\">|</a>")


def test_the_safe_subset_is_converted() -> None:
    text = "# Plan\n**bold**, *it*, _it_, ~~gone~~, `a<b`, [docs](https://e.com/?a=1&b=2)\n- one"
    assert to_html(text) == (
        "<b>Plan</b>\n<b>bold</b>, <i>it</i>, <i>it</i>, <s>gone</s>, <code>a&lt;b</code>, "
        '<a href="https://e.com/?a=1&amp;b=2">docs</a>\n• one'
    )


def test_html_from_the_model_is_shown_not_obeyed() -> None:
    assert to_html('<b>x</b> & <script>"') == '&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;"'
    assert to_html("[x](javascript:alert(1))") == "[x](javascript:alert(1))"


def test_code_is_kept_verbatim_and_an_open_fence_is_closed() -> None:
    assert to_html("```python\nif a < b: **x**\n```") == "<pre>if a &lt; b: **x**</pre>"
    assert to_html("so:\n```\nprint(1)") == "so:\n<pre>print(1)</pre>"  # half streamed


def test_words_with_underscores_and_products_stay_as_they_are() -> None:
    assert to_html("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"


def test_badly_nested_markup_falls_back_to_plain_text() -> None:
    assert to_html("*a **b* c**") == "*a **b* c**"


def test_any_text_renders_to_balanced_html_of_our_tags_only() -> None:
    rng = random.Random(25)
    alphabet = [
        "*",
        "**",
        "_",
        "__",
        "`",
        "```",
        "~~",
        "#",
        "- ",
        "\n",
        "[",
        "](",
        ")",
        "https://x.y",
        "<",
        ">",
        "&",
        "a",
        "b ",
        "word",
        " ",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        rendered = to_html(text)
        assert balanced(rendered), (text, rendered)
        assert "<" not in OUR_TAGS.sub("", rendered), (text, rendered)


def test_long_answers_are_cut_between_paragraphs() -> None:
    paragraph = "word " * 150  # 750 characters
    text = "\n\n".join(f"{n}. {paragraph}".strip() for n in range(12))
    parts = split_parts(text, limit=3800)
    assert len(parts) == 3
    assert all(visible_length(to_html(p)) <= 3800 for p in parts)
    assert [p[:2] for p in parts] == ["0.", "5.", "10"]
    assert "\n\n".join(parts) == text


def test_a_single_huge_paragraph_is_cut_between_words() -> None:
    text = "abcd " * 2000
    parts = split_parts(text, limit=3800)
    assert all(len(p) <= 3800 for p in parts)
    assert " ".join(parts).split() == text.split()
