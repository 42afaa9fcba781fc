"""A model's own KIE endpoint for the client, from its catalog spec (follow-ups have one)."""

from __future__ import annotations

from typing import Any

from kiegram.catalog.spec import ModelSpec
from kiegram.kie.endpoint import Endpoint


def endpoint_of(spec: ModelSpec | None) -> Endpoint | None:
    """The client's endpoint for a spec that names one, else None (the family's)."""
    if spec is None or spec.endpoint is None:
        return None
    own = spec.endpoint
    return Endpoint(
        create_path=own.create,
        method=own.method.upper(),
        status_path=own.status or None,
        result=own.result or None,
        repeat=own.repeat,
        once=own.once,
    )


def endpoint_args(endpoint: Endpoint | None, **extra: Any) -> dict[str, Any]:
    """Keyword arguments naming the endpoint for the client; none for a family's default."""
    return {} if endpoint is None else {"endpoint": endpoint, **extra}
