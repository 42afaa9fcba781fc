"""The aiohttp application: KIE callbacks (and, from other modules, webhook, health, metrics)."""

from kiegram.web.app import build_web_app
from kiegram.web.kie_callback import CALLBACKS, KieCallbacks, add_kie_callback_routes
from kiegram.web.signature import SignatureVerifier, sign

__all__ = [
    "CALLBACKS",
    "KieCallbacks",
    "SignatureVerifier",
    "add_kie_callback_routes",
    "build_web_app",
    "sign",
]
