"""Each file of a result as another model's input: the buttons, the list, the start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardButton

from kiegram.bot.callbacks import Reuse
from kiegram.bot.prefill import can_reuse, first_unfilled, media_value, reuse_targets, state_at
from kiegram.catalog import Catalog, InputSpec, ModelSpec
from kiegram.jobs import Job

PER_ROW = 2


def reuse_rows(
    catalog: Catalog, job: Job, t: Callable[..., str]
) -> list[list[InlineKeyboardButton]]:
    """One "use in another model" button per reusable file (one plain button for one file)."""
    usable = [
        index for index, url in enumerate(job.result_urls) if can_reuse(catalog, job.output, url)
    ]
    if len(job.result_urls) == 1 and usable:
        return [[_button(t("delivery.btn.reuse"), job, 0)]]
    buttons = [_button(t("history.btn.reuse_nth", n=i + 1), job, i) for i in usable]
    return [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]


def _button(text: str, job: Job, index: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=Reuse(job=job.id, f=index).pack())


def targets_for(catalog: Catalog, job: Job, index: int) -> list[tuple[ModelSpec, InputSpec]]:
    """The models that take file ``index`` of the job's results as their first file."""
    if not 0 <= index < len(job.result_urls):
        return []
    return reuse_targets(catalog, job.output, job.result_urls[index])


def reuse_state(catalog: Catalog, job: Job, index: int, target: int) -> dict[str, Any] | None:
    """A wizard state for target model ``target`` with file ``index`` given (None: stale)."""
    targets = targets_for(catalog, job, index)
    if not 0 <= target < len(targets):
        return None
    spec, field = targets[target]
    values: dict[str, Any] = {field.name: media_value(field, [job.result_urls[index]])}
    return state_at(spec, values, first_unfilled(spec, values))
