"""The simulator's follow-up endpoints over real HTTP: known parents only, results per item."""

from __future__ import annotations

import pytest
from sandbox_kit import CATALOG, endpoint

from kiegram.kie import ApiFamily, KieClient, KieInvalidInput, TaskState


async def grid(kie: KieClient) -> str:
    body = {"taskType": "mj_txt2img", "prompt": "a fox", "speed": "fast"}
    return await kie.create_task(ApiFamily.MIDJOURNEY, None, body)


async def test_an_upscale_of_a_known_grid_gives_one_image(kie: KieClient) -> None:
    parent = await grid(kie)
    assert len((await kie.get_status(ApiFamily.MIDJOURNEY, parent)).result_urls) == 4
    own = endpoint("mj-upscale")
    task = await kie.create_task(
        ApiFamily.MIDJOURNEY, None, {"taskId": parent, "imageIndex": 3}, None, own
    )
    status = await kie.get_status(ApiFamily.MIDJOURNEY, task, own)
    assert status.state is TaskState.SUCCEEDED and len(status.result_urls) == 1


@pytest.mark.parametrize(
    ("model", "body"),
    [
        ("mj-upscale", {"taskId": "sandbox_unknown", "imageIndex": 0}),
        ("mj-vary", {"taskId": "sandbox_unknown", "imageIndex": 1}),
        ("suno-extend", {"audioId": "nobody-0", "model": "V5", "defaultParamFlag": False}),
    ],
)
async def test_a_parent_the_sandbox_never_made_is_refused(
    kie: KieClient, model: str, body: dict[str, object]
) -> None:
    spec = CATALOG.get(model)
    assert spec is not None
    with pytest.raises(KieInvalidInput, match="parent task"):
        await kie.create_task(ApiFamily(spec.api.value), None, body, None, endpoint(model))


async def test_an_item_outside_the_grid_is_refused(kie: KieClient) -> None:
    parent = await grid(kie)
    with pytest.raises(KieInvalidInput, match="imageIndex"):
        await kie.create_task(
            ApiFamily.MIDJOURNEY,
            None,
            {"taskId": parent, "imageIndex": 4},
            None,
            endpoint("mj-upscale"),
        )


async def test_a_market_followup_needs_a_known_grok_video(kie: KieClient) -> None:
    with pytest.raises(KieInvalidInput, match="parent task"):
        await kie.create_task(ApiFamily.MARKET, "grok-imagine/upscale", {"task_id": "nope"})


async def test_a_suno_wav_names_one_track_of_the_song(kie: KieClient) -> None:
    body = {"prompt": "a song", "customMode": False, "instrumental": False, "model": "V5"}
    song = await kie.create_task(ApiFamily.SUNO, None, body)
    tracks = await kie.get_status(ApiFamily.SUNO, song)
    assert len(tracks.result_ids) == 2
    own = endpoint("suno-wav")
    payload = {"taskId": song, "audioId": tracks.result_ids[1]}
    wav = await kie.create_task(ApiFamily.SUNO, None, payload, None, own)
    status = await kie.get_status(ApiFamily.SUNO, wav, own)
    assert status.state is TaskState.SUCCEEDED and len(status.result_urls) == 1


async def test_1080p_of_an_unknown_video_fails_and_of_a_known_one_answers(kie: KieClient) -> None:
    own = endpoint("veo3.1-1080p")
    with pytest.raises(KieInvalidInput):
        await kie.create_task(ApiFamily.VEO, None, {"taskId": "nope", "index": 0}, None, own)
    video = await kie.create_task(ApiFamily.VEO, None, {"prompt": "a fox running"})
    payload = {"taskId": video, "index": 0}
    task = await kie.create_task(ApiFamily.VEO, None, payload, None, own)
    status = await kie.get_status(ApiFamily.VEO, task, own, payload)
    assert status.state is TaskState.SUCCEEDED and status.result_urls


async def test_a_segment_edit_takes_the_image_of_a_map_and_one_of_its_regions(
    kie: KieClient,
) -> None:
    market = ApiFamily.MARKET
    image = await kie.create_task(
        market,
        "grok-imagine-image-2-0/text-to-image",
        {"prompt": "a white cat", "aspect_ratio": "1:1"},
    )
    regions = await kie.create_task(
        market, "grok-imagine-image-2-0/segment-map", {"task_id": image}
    )
    found = await kie.get_status(market, regions)
    assert found.state is TaskState.SUCCEEDED
    assert found.result_ids == ("0", "1", "2") and len(found.result_urls) == 3
    assert found.result_text is not None and "white cat" in found.result_text
    edit = "grok-imagine-image-2-0/segment-edit"
    body = {"task_id": image, "mask_indexs": [1], "prompt": "a red bow"}
    done = await kie.get_status(market, await kie.create_task(market, edit, body))
    assert done.state is TaskState.SUCCEEDED and len(done.result_urls) == 1
    with pytest.raises(KieInvalidInput, match="mask_indexs"):
        await kie.create_task(market, edit, {**body, "mask_indexs": [3]})
    with pytest.raises(KieInvalidInput, match="parent task"):
        await kie.create_task(market, edit, {**body, "task_id": regions})  # not a mapped image


async def test_suno_lyrics_are_validated_and_read_at_their_own_record_info(
    kie: KieClient,
) -> None:
    own = endpoint("suno-lyrics")
    with pytest.raises(KieInvalidInput, match="prompt"):
        await kie.create_task(ApiFamily.SUNO, None, {"prompt": "x" * 201}, None, own)
    task = await kie.create_task(ApiFamily.SUNO, None, {"prompt": "rain in the city"}, None, own)
    status = await kie.get_status(ApiFamily.SUNO, task, own)
    assert status.state is TaskState.SUCCEEDED and not status.result_urls
    assert status.result_text is not None and "rain in the city" in status.result_text
    assert status.result_text.count("🎵 ") == 2


async def test_timed_lyrics_name_one_track_and_an_instrumental_has_none(kie: KieClient) -> None:
    own = endpoint("suno-timestamped-lyrics")
    with pytest.raises(KieInvalidInput, match="parent task"):
        await kie.create_task(ApiFamily.SUNO, None, {"taskId": "no", "audioId": "no-0"}, None, own)
    for instrumental, state in ((False, TaskState.SUCCEEDED), (True, TaskState.FAILED)):
        body = {"prompt": "a song", "customMode": False, "instrumental": instrumental}
        song = await kie.create_task(ApiFamily.SUNO, None, {**body, "model": "V5"})
        tracks = await kie.get_status(ApiFamily.SUNO, song)
        payload = {"taskId": song, "audioId": tracks.result_ids[0]}
        with pytest.raises(KieInvalidInput, match="audio of the task"):
            wrong = {"taskId": song, "audioId": "someone-else-0"}
            await kie.create_task(ApiFamily.SUNO, None, wrong, None, own)
        task = await kie.create_task(ApiFamily.SUNO, None, payload, None, own)
        status = await kie.get_status(ApiFamily.SUNO, task, own, payload)
        assert status.state is state
        assert (status.result_text or "").startswith("[Verse]") is (not instrumental)
