"""Media refs in a job's payload become URLs KIE can fetch, object-list items' files too."""

from __future__ import annotations

from kiegram.jobs.media import resolve_payload


class Uploads:
    """Resolves "tg:<id>" refs to a made-up KIE URL, counting what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def resolve(self, ref: str) -> str:
        self.asked.append(ref)
        return f"https://kie.test/{ref.removeprefix('tg:')}.png"


async def test_files_of_inputs_and_of_list_items_are_resolved_and_nothing_else() -> None:
    uploads = Uploads()
    payload = {
        "prompt": "@dog in @room",
        "image_url": "tg:one",
        "image_references": [
            {"image_url": "tg:dog", "type": "subject", "ref_name": "dog"},
            {"image_url": "https://example.com/room.png", "type": "background"},
        ],
    }
    fields = ["image_url", "image_references.image_url"]
    resolved = await resolve_payload(payload, fields, uploads)
    assert resolved["image_url"] == "https://kie.test/one.png"
    assert resolved["image_references"] == [
        {"image_url": "https://kie.test/dog.png", "type": "subject", "ref_name": "dog"},
        {"image_url": "https://example.com/room.png", "type": "background"},
    ]
    assert resolved["prompt"] == "@dog in @room" and uploads.asked == ["tg:one", "tg:dog"]
    assert payload["image_references"][0]["image_url"] == "tg:dog"  # the job's copy untouched


async def test_file_lists_inside_list_items_are_resolved_one_by_one() -> None:
    uploads = Uploads()
    payload = {
        "kling_elements": [
            {"name": "dog", "element_input_urls": ["tg:a", "https://example.com/b.png"]},
            {"name": "cat", "element_input_urls": ["tg:v"], "element_input_audio_urls": ["tg:m"]},
        ],
    }
    fields = ["kling_elements.element_input_urls", "kling_elements.element_input_audio_urls"]
    resolved = await resolve_payload(payload, fields, uploads)
    assert resolved["kling_elements"] == [
        {
            "name": "dog",
            "element_input_urls": ["https://kie.test/a.png", "https://example.com/b.png"],
        },
        {
            "name": "cat",
            "element_input_urls": ["https://kie.test/v.png"],
            "element_input_audio_urls": ["https://kie.test/m.png"],
        },
    ]
    assert uploads.asked == ["tg:a", "tg:v", "tg:m"]
