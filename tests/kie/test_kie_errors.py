"""The KIE error tree: envelope codes map to the exception the caller acts on."""

from __future__ import annotations

import pytest

from kiegram.kie import (
    KieAuthError,
    KieError,
    KieGenerationFailed,
    KieInsufficientCredits,
    KieInvalidInput,
    KieMaintenance,
    KieNotFound,
    KieProtocolError,
    KieRateLimited,
    KieServerError,
    KieTransportError,
    error_from_envelope,
    is_retryable,
    may_resend_create,
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (400, KieInvalidInput),
        (401, KieAuthError),
        (402, KieInsufficientCredits),
        (404, KieNotFound),
        (422, KieInvalidInput),
        (429, KieRateLimited),
        (433, KieInvalidInput),
        (451, KieInvalidInput),
        (455, KieMaintenance),
        (500, KieServerError),
        (501, KieGenerationFailed),
        (505, KieServerError),
        (502, KieServerError),
        (550, KieRateLimited),
        (0, KieProtocolError),
    ],
)
def test_envelope_code_maps_to_exception(code: int, expected: type[KieError]) -> None:
    error = error_from_envelope(code, "some message")
    assert type(error) is expected
    assert error.code == code
    assert error.message == "some message"
    assert isinstance(error, KieError)


def test_record_info_is_null_means_not_found() -> None:
    assert isinstance(error_from_envelope(422, "recordInfo is null"), KieNotFound)
    assert isinstance(error_from_envelope(422, "record is null"), KieNotFound)
    older = error_from_envelope(422, "Temporarily supports records within 14 days")
    assert isinstance(older, KieInvalidInput)
    on_read = error_from_envelope(
        422, "Temporarily supports records within 14 days", reading_status=True
    )
    assert isinstance(on_read, KieNotFound)


def test_invalid_input_carries_kie_message() -> None:
    error = error_from_envelope(422, "prompt is required")
    assert "prompt is required" in str(error)
    assert "422" in str(error)
    assert "prompt is required" in repr(error)


def test_empty_message_gets_a_readable_default() -> None:
    assert error_from_envelope(500, "").message == "KIE returned code 500"


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (KieRateLimited("x", 429), True),
        (KieMaintenance("x", 455), True),
        (KieServerError("x", 500), True),
        (KieTransportError("x", sent=True), True),
        (KieTransportError("x", sent=False), True),
        (KieAuthError("x", 401), False),
        (KieInsufficientCredits("x", 402), False),
        (KieInvalidInput("x", 422), False),
        (KieGenerationFailed("x", 501), False),
        (KieProtocolError("x"), False),
        (ValueError("x"), False),
    ],
)
def test_retryable_classification(error: Exception, retryable: bool) -> None:
    assert is_retryable(error) is retryable


@pytest.mark.parametrize(
    ("error", "resend"),
    [
        (KieTransportError("refused", sent=False), True),
        (KieRateLimited("slow down", 429), True),
        (KieTransportError("read timeout", sent=True), False),
        (KieServerError("boom", 500), False),
        (KieMaintenance("later", 455), False),
        (KieInvalidInput("bad", 422), False),
    ],
)
def test_create_is_resent_only_when_it_never_arrived(error: Exception, resend: bool) -> None:
    assert may_resend_create(error) is resend


def test_transport_error_repr_shows_sent() -> None:
    error = KieTransportError("ConnectError: refused", sent=False)
    assert error.code is None
    assert "sent=False" in repr(error)
    assert str(error) == "ConnectError: refused"
