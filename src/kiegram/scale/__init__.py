"""Running several instances: update de-duplication, singleton locks, shared albums, Redis."""

from kiegram.scale.dedup import UpdateDedup, update_key
from kiegram.scale.local_gate import LocalUpdateGate
from kiegram.scale.ports import CLAIM_SECONDS, DONE_SECONDS, Locks, UpdateGate
from kiegram.scale.redis_store import RedisAlbums, RedisLocks, RedisUpdateGate, connect
from kiegram.scale.singleton import LockLost, process_owner, run_exclusive
from kiegram.scale.webhook import WEBHOOK_PATH, mount_webhook
from kiegram.scale.wiring import Scale, build_scale

__all__ = [
    "CLAIM_SECONDS",
    "DONE_SECONDS",
    "WEBHOOK_PATH",
    "LocalUpdateGate",
    "LockLost",
    "Locks",
    "RedisAlbums",
    "RedisLocks",
    "RedisUpdateGate",
    "Scale",
    "UpdateDedup",
    "UpdateGate",
    "build_scale",
    "connect",
    "mount_webhook",
    "process_owner",
    "run_exclusive",
    "update_key",
]
