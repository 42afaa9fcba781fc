"""KIE calls counted by endpoint and envelope code through the metered transport."""

from __future__ import annotations

import httpx
import pytest

from kiegram.kie import KieAuthError, KieClient, RetryPolicy
from kiegram.ops.kie_metrics import MeteredTransport, kie_hosts
from kiegram.ops.metrics import Metrics

BASE = "https://api.kie.ai"
UPLOAD = "https://kieai.redpandaai.co"


def kie(request: httpx.Request) -> httpx.Response:
    if request.headers["Authorization"] != "Bearer good-key-123":
        return httpx.Response(401, json={"code": 401, "msg": "no access"})
    if request.url.host == "tempfile.example.org":
        return httpx.Response(200, content=b"\x89PNG", headers={"content-type": "image/png"})
    return httpx.Response(200, json={"code": 200, "msg": "success", "data": 77})


def client(key: str, metrics: Metrics) -> KieClient:
    transport = MeteredTransport(metrics, kie_hosts(BASE, UPLOAD), httpx.MockTransport(kie))
    return KieClient(
        key,
        base_url=BASE,
        upload_base_url=UPLOAD,
        transport=transport,
        read_policy=RetryPolicy(attempts=1),
    )


async def test_calls_are_counted_with_envelope_codes() -> None:
    metrics = Metrics()
    async with client("good-key-123", metrics) as good:
        assert await good.get_credits() == 77
        assert await good.get_credits() == 77
    async with client("bad-key-456", metrics) as bad:
        with pytest.raises(KieAuthError):
            await bad.get_credits()

    def count(code: str) -> float | None:
        labels = {"endpoint": "/api/v1/chat/credit", "code": code}
        return metrics.registry.get_sample_value("kiegram_kie_calls_total", labels)

    assert count("200") == 2
    assert count("401") == 1


async def test_file_hosts_share_one_label() -> None:
    metrics = Metrics()
    transport = MeteredTransport(metrics, kie_hosts(BASE, UPLOAD), httpx.MockTransport(kie))
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.get(
            "https://tempfile.example.org/a/b.png", headers={"Authorization": "Bearer good-key-123"}
        )
    assert response.content == b"\x89PNG"
    labels = {"endpoint": "download", "code": "200"}
    assert metrics.registry.get_sample_value("kiegram_kie_calls_total", labels) == 1
