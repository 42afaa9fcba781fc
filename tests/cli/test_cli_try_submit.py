"""`kiegram try` submits for real: to the in-process sandbox, or to KIE_BASE_URL."""

from __future__ import annotations

import asyncio
import os
import sys

from kiegram.sandbox import SandboxServer, start_sandbox


async def _try(*args: str, **env: str) -> tuple[int, str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KIE_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kiegram.cli.main",
        "try",
        *args,
        env={**clean, **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    return proc.returncode or 0, out.decode(), err.decode()


def _kie(kie: SandboxServer, key: str) -> dict[str, str]:
    """The environment that points `kiegram try` at `kie` with `key`."""
    return {"KIE_API_KEY": key, "KIE_BASE_URL": kie.base_url, "KIE_UPLOAD_BASE_URL": kie.base_url}


async def test_without_a_key_it_runs_against_the_sandbox() -> None:
    code, out, err = await _try("z-image", "--set", "prompt=a fox", "--json")
    assert code == 0, err
    assert "using the sandbox" in err
    assert '"state": "succeeded"' in out and ".png" in out


async def test_with_a_base_url_it_talks_to_that_server() -> None:
    async with await start_sandbox(api_key="operator-key") as kie:
        code, _out, err = await _try(
            "recraft/remove-background",
            "--set",
            "image=https://example.com/cat.png",
            "--json",
            **_kie(kie, "operator-key"),
        )
        assert code == 0, err
        assert "using the sandbox" not in err
        [task] = kie.kie.tasks.values()
        assert task.model == "recraft/remove-background"
        assert task.request["input"] == {"image": "https://example.com/cat.png"}


async def test_an_invalid_value_sends_nothing() -> None:
    async with await start_sandbox(api_key="k") as kie:
        code, _out, err = await _try(
            "z-image",
            "--set",
            "prompt=x",
            "--set",
            "aspect_ratio=7:3",
            "--lang",
            "en",
            **_kie(kie, "k"),
        )
        assert code == 2
        assert "Aspect ratio" in err and "16:9" in err
        assert not kie.kie.tasks
