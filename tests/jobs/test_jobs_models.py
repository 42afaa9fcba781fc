"""Every usable model submits and completes through the sandbox, over real HTTP."""

from __future__ import annotations

from jobs_fakes import Harness, minimal_payload

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.followups import is_followup
from kiegram.jobs.model import JobState
from kiegram.sandbox import SandboxServer


async def test_every_usable_model_completes(
    harness: Harness, catalog: Catalog, sandbox: SandboxServer
) -> None:
    jobs = {}
    for spec in catalog.usable():
        if is_followup(spec):
            continue  # needs a finished parent: test_bot_journey_followups.py drives each
        job = await harness.submit(spec.id, minimal_payload(spec))
        assert job.state is JobState.SUBMITTED, (spec.id, job.error_message)
        jobs[job.id] = spec
    harness.clock.advance(60)
    await harness.drive()
    for job_id, spec in jobs.items():
        job = await harness.service.store.get(job_id)
        assert job is not None and job.state is JobState.DELIVERED, spec.id
        assert harness.delivery.delivered[job_id] == 1
        assert harness.settlement.captured[job_id] == 1
        assert not harness.settlement.released[job_id]
        files = harness.delivery.files[job_id]
        if spec.output.value == "text":
            assert job.result_text and [f.kind for f in files] == ["text"], spec.id
            assert files[0].data == job.result_text.encode()
        else:
            assert files and all(f.url.startswith(sandbox.base_url) for f in files), spec.id
    # Media refs were uploaded to KIE, never passed through as tg: refs.
    bodies = [t.request for t in sandbox.kie.tasks.values()]
    assert not any("tg:" in str(body) for body in bodies)
