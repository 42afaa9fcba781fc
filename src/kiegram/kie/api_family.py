"""The KIE API families and the create/status endpoints of each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kiegram.catalog.kinds import ApiFamily as ApiFamily  # the catalog's, re-exported


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where a family creates tasks and reads their status."""

    create_path: str
    status_path: str
    status_param: str = "taskId"


ENDPOINTS: Mapping[ApiFamily, Endpoints] = MappingProxyType(
    {
        ApiFamily.MARKET: Endpoints("/api/v1/jobs/createTask", "/api/v1/jobs/recordInfo"),
        ApiFamily.VEO: Endpoints("/api/v1/veo/generate", "/api/v1/veo/record-info"),
        ApiFamily.RUNWAY: Endpoints("/api/v1/runway/generate", "/api/v1/runway/record-detail"),
        ApiFamily.LUMA: Endpoints("/api/v1/modify/generate", "/api/v1/modify/record-info"),
        ApiFamily.SUNO: Endpoints("/api/v1/generate", "/api/v1/generate/record-info"),
        ApiFamily.MIDJOURNEY: Endpoints("/api/v1/mj/generate", "/api/v1/mj/record-info"),
        ApiFamily.GPT4O_IMAGE: Endpoints(
            "/api/v1/gpt4o-image/generate", "/api/v1/gpt4o-image/record-info"
        ),
        ApiFamily.FLUX_KONTEXT: Endpoints(
            "/api/v1/flux/kontext/generate", "/api/v1/flux/kontext/record-info"
        ),
    }
)


def endpoints(family: ApiFamily) -> Endpoints:
    """Return the endpoints of ``family``."""
    return ENDPOINTS[ApiFamily(family)]
