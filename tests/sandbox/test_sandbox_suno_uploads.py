"""Suno on the user's own track: upload-cover and upload-extend in the sandbox, over HTTP.

upload-cover is also the path of the cover follow-up: the sandbox tells them apart by the
body (a URL of one of its own results is the follow-up; any other file is an upload).
"""

from __future__ import annotations

import pytest
from sandbox_kit import endpoint

from kiegram.kie import ApiFamily, KieClient, KieInvalidInput, TaskState


async def uploaded(kie: KieClient) -> str:
    return await kie.upload_file(b"ID3 a guitar take", "take.mp3")


async def test_a_cover_of_an_uploaded_track_gives_two_tracks(kie: KieClient) -> None:
    own = endpoint("suno-upload-cover")
    body = {
        "uploadUrl": await uploaded(kie),
        "customMode": True,
        "instrumental": False,
        "model": "V5",
        "prompt": "[Verse]\nCity lights are calling",
        "style": "80s synth-pop",
        "title": "City Lights (cover)",
        "negativeTags": "screaming",
        "vocalGender": "f",
        "audioWeight": 0.65,
    }
    task = await kie.create_task(ApiFamily.SUNO, None, body, None, own)
    status = await kie.get_status(ApiFamily.SUNO, task, own)
    assert status.state is TaskState.SUCCEEDED and len(status.result_urls) == 2


async def test_the_cover_of_an_uploaded_track_is_checked_against_its_own_model(
    kie: KieClient,
) -> None:
    body = {
        "uploadUrl": await uploaded(kie),
        "customMode": False,
        "instrumental": False,
        "model": "V9",
        "prompt": "mellow jazz",
    }
    with pytest.raises(KieInvalidInput, match="model must be one of"):
        await kie.create_task(ApiFamily.SUNO, None, body, None, endpoint("suno-upload-cover"))


async def test_a_cover_of_a_sandbox_song_still_goes_through_the_follow_up(
    kie: KieClient,
) -> None:
    song_body = {"prompt": "a song", "customMode": False, "instrumental": False, "model": "V5"}
    song = await kie.create_task(ApiFamily.SUNO, None, song_body)
    tracks = await kie.get_status(ApiFamily.SUNO, song)
    body = {
        "uploadUrl": tracks.result_urls[0],
        "customMode": False,
        "instrumental": False,
        "model": "V5",
        "prompt": "the same song as jazz",
    }
    # Checked against the follow-up's inputs, which have no continueAt (an extend's field).
    with pytest.raises(KieInvalidInput, match="unknown input fields: continueAt"):
        await kie.create_task(
            ApiFamily.SUNO, None, {**body, "continueAt": 30}, None, endpoint("suno-cover")
        )
    task = await kie.create_task(ApiFamily.SUNO, None, body, None, endpoint("suno-cover"))
    assert (await kie.get_status(ApiFamily.SUNO, task)).state is TaskState.SUCCEEDED


async def test_an_uploaded_track_is_extended_from_the_chosen_second(kie: KieClient) -> None:
    own = endpoint("suno-upload-extend")
    body = {
        "uploadUrl": await uploaded(kie),
        "defaultParamFlag": True,
        "instrumental": True,
        "model": "V4",
        "prompt": "more relaxing notes",
        "style": "Classical",
        "title": "Peaceful Piano Extended",
    }
    with pytest.raises(KieInvalidInput, match="continueAt is required"):
        await kie.create_task(ApiFamily.SUNO, None, body, None, own)
    task = await kie.create_task(ApiFamily.SUNO, None, {**body, "continueAt": 60}, None, own)
    status = await kie.get_status(ApiFamily.SUNO, task, own)
    assert status.state is TaskState.SUCCEEDED and len(status.result_urls) == 2


async def test_an_extend_with_the_tracks_own_parameters_needs_only_the_lyrics(
    kie: KieClient,
) -> None:
    own = endpoint("suno-upload-extend")
    body = {
        "uploadUrl": await uploaded(kie),
        "defaultParamFlag": False,
        "instrumental": False,
        "model": "V5",
        "prompt": "[Chorus]\nDon't let go",
    }
    task = await kie.create_task(ApiFamily.SUNO, None, body, None, own)
    assert (await kie.get_status(ApiFamily.SUNO, task, own)).state is TaskState.SUCCEEDED
    with pytest.raises(KieInvalidInput, match="prompt is longer than 3000"):
        await kie.create_task(
            ApiFamily.SUNO, None, {**body, "model": "V4", "prompt": "la " * 1001}, None, own
        )
