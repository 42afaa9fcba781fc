"""The aiohttp application factory; other modules add their routes to the same app."""

from __future__ import annotations

from aiohttp import web

from kiegram.web.kie_callback import Complete, add_kie_callback_routes
from kiegram.web.signature import SignatureVerifier

MAX_BODY_BYTES = 1024 * 1024


def build_web_app(
    *,
    complete: Complete | None = None,
    webhook_key: str | None = None,
    verifier: SignatureVerifier | None = None,
) -> web.Application:
    """A new app; with ``complete`` (``JobService.complete``) it serves KIE callbacks."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    if complete is not None:
        add_kie_callback_routes(app, complete, webhook_key=webhook_key, verifier=verifier)
    return app
