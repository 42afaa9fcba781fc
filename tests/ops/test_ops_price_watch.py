"""KIE's price feed watched: the first check records it, the next ones name what moved and
the catalog models priced from it; the CLI over a recorded feed, the client over the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiegram.catalog import load_catalog
from kiegram.catalog.price_feed import changes, load_feed, models_naming, report
from kiegram.cli.main import main
from kiegram.kie.price_feed import PATH, fetch_price_feed
from kiegram.ops.price_watch import FEED_FILE, PriceWatch
from kiegram.sandbox.feed import feed_rows

RECORDED = Path(__file__).parent / "fixtures" / "price_feed.json"


def _moved(path: Path, description: str, credits: str) -> Path:
    """A copy of the recorded feed with one row's price changed and one row gone."""
    body = json.loads(RECORDED.read_text(encoding="utf-8"))
    records = [r for r in body["data"]["records"] if r["modelDescription"] != "an old model, video"]
    for record in records:
        if record["modelDescription"] == description:
            record["creditPrice"] = credits
    body["data"]["records"] = records
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_a_recorded_feed_is_read_and_unreadable_rows_skipped() -> None:
    rows = load_feed(RECORDED.read_text(encoding="utf-8"))
    assert set(rows) == {
        "bytedance/seedance-v1-pro, text-to-video",
        "z-image, text-to-image",
        "an old model, video",
    }
    assert str(rows["z-image, text-to-image"].credits) == "0.8"


def test_a_moved_row_names_the_catalog_models_priced_from_it(tmp_path: Path) -> None:
    catalog = load_catalog()
    before = load_feed(RECORDED.read_text(encoding="utf-8"))
    after = load_feed(
        _moved(tmp_path / "f.json", "bytedance/seedance-v1-pro, text-to-video", "7.5").read_text()
    )
    assert "bytedance/v1-pro-text-to-video" in models_naming(
        catalog, "bytedance/seedance-v1-pro, text-to-video"
    )
    lines = report(changes(before, after, catalog), catalog)
    assert lines[0].startswith("changed: bytedance/seedance-v1-pro, text-to-video: 6 -> 7.5")
    assert "catalog: bytedance/v1-pro-text-to-video" in lines[0]
    assert lines[1] == "gone: an old model, video (was 10)"
    assert len(lines) == 2  # z-image did not move


def test_the_cli_records_first_then_reports_and_exits_1_on_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BOT_TOKEN", "123:x")
    assert main(["prices", "check", "--feed", str(RECORDED)]) == 0
    assert "3 rows saved as the first feed seen" in capsys.readouterr().out
    assert (tmp_path / "data" / FEED_FILE).is_file()

    assert main(["prices", "check", "--feed", str(RECORDED)]) == 0
    assert "no changes (3 rows)" in capsys.readouterr().out

    moved = _moved(tmp_path / "moved.json", "z-image, text-to-image", "1.2")
    assert main(["prices", "check", "--feed", str(moved), "--no-save"]) == 1
    out = capsys.readouterr().out
    assert "changed: z-image, text-to-image: 0.8 -> 1.2 per image; catalog: z-image" in out
    assert "2 changes in 2 rows" in out
    assert main(["prices", "check", "--feed", str(moved)]) == 1  # --no-save kept the old one
    capsys.readouterr()
    assert main(["prices", "check", "--feed", str(moved)]) == 0  # now it is the saved one


async def test_the_client_reads_every_page_and_the_watch_sees_the_sandbox_move(
    tmp_path: Path,
) -> None:
    catalog = load_catalog()
    factor = {"value": 1.0}

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == PATH and "authorization" not in request.headers
        asked = json.loads(request.content)
        rows = feed_rows(catalog, factor["value"])
        size, page = asked["pageSize"], asked["pageNum"]
        pages = -(-len(rows) // size)
        data: dict[str, Any] = {"records": rows[(page - 1) * size : page * size], "pages": pages}
        return httpx.Response(200, json={"code": 200, "msg": "success", "data": data})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        records = await fetch_price_feed(http, "http://kie.test")
        assert len(records) == len(feed_rows(catalog)) > 100  # more than one page
        watch = PriceWatch(
            lambda: fetch_price_feed(http, "http://kie.test"), tmp_path / "f.json", catalog
        )
        assert (await watch.check())[1] is None
        assert (await watch.check())[1] == []
        factor["value"] = 2.0
        _count, found = await watch.check()
    priced = [r for r in records if float(r["creditPrice"]) > 0]  # a free row stays free
    assert found is not None and len(found) == len(priced)
    assert any(line.startswith("changed: z-image, from: 0.8 -> 1.6") for line in found)


async def test_the_daily_watch_alerts_the_admin_chat_once_prices_move(tmp_path: Path) -> None:
    import asyncio

    from kiegram.i18n import load_translator
    from kiegram.ops.alerts import Alerter
    from kiegram.ops.price_watch import watch_prices

    catalog = load_catalog()
    factor = {"value": 1.0}
    sent: list[str] = []

    async def fetch() -> list[Any]:
        return feed_rows(catalog, factor["value"])

    async def send(text: str) -> None:
        sent.append(text)

    async def exclusive(work: Any) -> None:
        await work()

    watch = PriceWatch(fetch, tmp_path / FEED_FILE, catalog)
    alerter = Alerter(send, load_translator())
    task = asyncio.create_task(
        watch_prices(watch, alerter, exclusive, interval=0.05, first_delay=0)
    )
    await asyncio.sleep(0.2)
    assert sent == []  # recorded, then unchanged
    factor["value"] = 1.5
    for _ in range(40):
        if sent:
            break
        await asyncio.sleep(0.05)
    task.cancel()
    assert len(sent) == 1 and "KIE изменил цены" in sent[0]
    assert "changed: 4o-image-api, from: 6 -&gt; 9 per generation" in sent[0]  # HTML-escaped
    rows = len([r for r in feed_rows(catalog) if float(r["creditPrice"]) > 0])  # free stay
    assert f"({rows})" in sent[0] and f"… +{rows - 15}" in sent[0]  # the first 15 rows shown
