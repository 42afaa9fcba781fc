"""The webhook signature check: KIE's formula, a time window, one use per pair."""

from __future__ import annotations

import base64
import hashlib
import hmac

from kiegram.web import SignatureVerifier, sign

KEY = "whk_secret"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_sign_is_base64_hmac_sha256_of_task_dot_timestamp() -> None:
    expected = hmac.new(KEY.encode(), b"task_1.1700000000", hashlib.sha256).digest()
    assert sign(KEY, "task_1", 1700000000) == base64.b64encode(expected).decode()


def test_a_fresh_signed_pair_is_accepted_once() -> None:
    verifier = SignatureVerifier(KEY, clock=Clock(1700000100))
    signature = sign(KEY, "t", 1700000000)
    assert verifier.refusal("t", "1700000000", signature) is None
    assert verifier.refusal("t", "1700000000", signature) == "replayed callback"


def test_refusals_name_the_reason() -> None:
    verifier = SignatureVerifier(KEY, clock=Clock(1700000000))
    good = sign(KEY, "t", 1700000000)
    assert verifier.refusal("t", None, good) == "missing signature headers"
    assert verifier.refusal("t", "soon", good) == "malformed timestamp"
    assert verifier.refusal("t", "1699999000", sign(KEY, "t", 1699999000)) == (
        "timestamp outside the window"
    )
    assert verifier.refusal("t", "1700000000", sign("other", "t", 1700000000)) == "bad signature"
    assert verifier.refusal("u", "1700000000", good) == "bad signature"


def test_the_replay_cache_forgets_pairs_outside_the_window() -> None:
    clock = Clock(1700000000)
    verifier = SignatureVerifier(KEY, clock=clock)
    for n in range(100):
        assert verifier.refusal(f"t{n}", "1700000000", sign(KEY, f"t{n}", 1700000000)) is None
    clock.now += 601
    assert verifier.refusal("x", str(int(clock.now)), sign(KEY, "x", int(clock.now))) is None
    assert len(verifier._seen) == 1
    assert KEY not in repr(verifier)
