"""`kiegram try MODEL`: the bot's wizard in a terminal; --dry-run prints the request body."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from kiegram.catalog import InputKind, InputSpec, ModelSpec, load_catalog
from kiegram.catalog.kinds import ParentPart
from kiegram.i18n import Translator, load_translator
from kiegram.wizard import (
    Answer,
    ExpectKind,
    Invalid,
    InvalidAnswer,
    MediaAnswer,
    MediaRef,
    Press,
    ScreenKind,
    TextAnswer,
    Wizard,
    build_payload,
    plain,
    refusal,
    request_body,
    take,
    text,
)
from kiegram.wizard.items import check_sums
from kiegram.wizard.media import guess_mime, kind_of
from kiegram.wizard.modes import infer_mode
from kiegram.wizard.parse import is_http_url, param_of
from kiegram.wizard.pruned import first_pruned
from kiegram.wizard.state import is_set, new_state, prune, steps
from kiegram.wizard.view import Msg

POLL_SECONDS = 5.0
DEADLINE_SECONDS = 30 * 60
Ask = Callable[[str], str]


class Refused(Exception):
    """An option or an answer was refused; carries the translated message."""


def register(subparsers: Any) -> None:
    """Add `try` to the parser."""
    cmd = subparsers.add_parser("try", help="run a model's wizard from the terminal")
    cmd.add_argument("model", help="KIE model id or short code")
    cmd.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE")
    cmd.add_argument("--file", dest="files", action="append", default=[], metavar="NAME=PATH")
    cmd.add_argument("--dry-run", action="store_true", help="print the request body, send nothing")
    cmd.add_argument("--lang", choices=("ru", "en"), default="ru")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")
    cmd.set_defaults(func=run_try)


def run_try(args: argparse.Namespace, ask: Ask | None = None) -> int:
    """Collect the answers, then print the body (--dry-run) or submit it and wait."""
    wizard = Wizard(load_catalog())
    spec = wizard.spec({"model": args.model})
    tr = load_translator()
    if ask is None and sys.stdin.isatty():
        ask = input
    try:
        answered = ask_missing(wizard, spec, tr, args.lang, given_values(spec, tr, args), ask)
    except Refused as exc:
        print(f"kiegram: {exc}", file=sys.stderr)
        return 2
    if answered is None:
        return 1
    if args.dry_run:
        return print_body(wizard, spec, tr, args, answered)
    files = {ref: Path(ref.removeprefix("file:")) for ref in _file_refs(answered)}
    contents = {ref: (path.read_bytes(), path.name) for ref, path in files.items()}
    return asyncio.run(submit(spec, answered, contents, args.json))


def _split(option: str, tr: Translator, lang: str) -> tuple[str, str]:
    name, sep, raw = option.partition("=")
    if not sep or not name.strip():
        raise Refused(tr(lang, "wizard.cli_bad_option", option=option))
    return name.strip(), raw


def _field(spec: ModelSpec, name: str, tr: Translator, lang: str) -> InputSpec:
    field = spec.inputs_by_name().get(name)
    if field is None:
        raise Refused(tr(lang, "wizard.cli_unknown_input", model=spec.id, name=name))
    if field.kind is InputKind.TASK_REF:
        return field  # a terminal names the earlier task itself (the chat offers a button)
    if not field.askable:
        # Documented by KIE, but never sent: say so (and why, when the catalog says) rather
        # than drop it.
        why = Msg("shapes.pruned_never")
        if field.withheld:
            why = Msg("withheld.never_because", {"reason": field.withheld})
        raise Refused(text(tr, lang, Msg("shapes.err_pruned", {"param": name, "reason": why})))
    return field


def file_ref(raw: str) -> MediaRef:
    """A URL as it is, a local path as an opaque "file:" reference with its type and size."""
    if is_http_url(raw):
        mime = guess_mime(raw)
        return MediaRef(raw, kind_of(mime) or "", mime)
    path = Path(raw).expanduser().resolve()
    mime = guess_mime(path.name)
    size = path.stat().st_size if path.is_file() else None
    return MediaRef(f"file:{path}", kind_of(mime) or "", mime, size, path.name)


def _take(spec: ModelSpec, values: dict[str, Any], field: InputSpec, answer: Answer) -> None:
    values[field.name] = take(spec, values, field, answer)


def given_values(spec: ModelSpec, tr: Translator, args: argparse.Namespace) -> dict[str, Any]:
    """Values from --set and --file, checked exactly as the bot checks answers."""
    lang = args.lang
    values: dict[str, Any] = {}
    files: dict[str, list[MediaRef]] = {}
    try:
        for option in args.sets:
            name, raw = _split(option, tr, lang)
            field = _field(spec, name, tr, lang)
            if field.kind is InputKind.TASK_REF:
                ref = task_ref_value(field, raw)
                if ref is None:
                    key = "wizard.err_not_number" if raw.strip() else "wizard.err_empty"
                    raise InvalidAnswer(key, param=param_of(field))
                if isinstance(ref, list):
                    ref = [*values.get(name, []), *ref]  # each --set adds one id
                values[name] = ref
                continue
            if raw == "" and not field.required and field.kind in EMPTY_VALUES:
                # An explicit empty value ("" or []), as some docs examples send.
                values[name] = EMPTY_VALUES[field.kind]()
                continue
            _take(spec, values, field, TextAnswer(raw, exact=True))
        for option in args.files:
            name, raw = _split(option, tr, lang)
            _field(spec, name, tr, lang)
            files.setdefault(name, []).append(_with_kind(spec.input(name), file_ref(raw)))
        for name, refs in files.items():
            _take(spec, values, spec.input(name), MediaAnswer(tuple(refs)))
    except InvalidAnswer as exc:
        raise Refused(text(tr, lang, Msg(exc.key, exc.values))) from exc
    values = infer_mode(spec, values)
    dropped = first_pruned(spec, values)
    if dropped is not None:
        # A value given on the command line is never dropped without a word.
        raise Refused(text(tr, lang, dropped))
    try:
        check_sums(spec, values)
    except InvalidAnswer as exc:
        raise Refused(text(tr, lang, Msg(exc.key, exc.values))) from exc
    return prune(spec, values)


EMPTY_VALUES: dict[InputKind, Callable[[], Any]] = {
    InputKind.TEXT: str,
    InputKind.MEDIA: str,
    InputKind.MEDIA_LIST: list,
}


def task_ref_value(field: InputSpec, raw: str) -> str | int | list[str] | None:
    """An earlier task's reference as typed: a result's position as a number (None when it is
    not one), an id or URL as it is (in a one-item list for a list of ids)."""
    word = raw.strip()
    if field.parent is not None and field.parent.take in (ParentPart.INDEX, ParentPart.NUMBER):
        return int(word) if word.isdigit() else None
    if field.parent is not None and field.parent.take is ParentPart.ITEM_IDS:
        return [word] if word else None
    return word or None


def _with_kind(field: InputSpec, ref: MediaRef) -> MediaRef:
    """A file of unknown type is taken as the kind the input wants."""
    if ref.media or field.media is None:
        return ref
    return MediaRef(ref.ref, field.media.value, ref.mime, ref.size, ref.name)


def ask_missing(
    wizard: Wizard,
    spec: ModelSpec,
    tr: Translator,
    lang: str,
    values: dict[str, Any],
    ask: Ask | None,
) -> dict[str, Any] | None:
    """Ask each step not given (a person at a terminal); without one, refuse what is missing."""
    asked: set[str] = set()
    while True:
        pending = [
            f
            for f in steps(spec, values)
            if f.name not in asked and (f.name not in values or not is_set(f, values))
        ]
        if not pending:
            return values
        field = pending[0]
        if ask is None:
            if field.required:
                raise Refused(
                    tr(lang, "wizard.err_missing", param=text(tr, lang, field.label or field.name))
                )
            asked.add(field.name)
            continue
        result = _ask_one(wizard, spec, tr, lang, values, field, ask)
        if result is None:
            return None
        values = result
        asked.add(field.name)


def _ask_one(
    wizard: Wizard,
    spec: ModelSpec,
    tr: Translator,
    lang: str,
    values: dict[str, Any],
    field: InputSpec,
    ask: Ask,
) -> dict[str, Any] | None:
    state = {**new_state(spec.id, lang), "values": values, "field": field.name}
    while True:
        view = wizard.view(state)
        print(plain(tr, lang, view))
        try:
            line = ask("> ")
        except EOFError:
            return None
        result = wizard.answer(state, terminal_answer(view, line))
        if isinstance(result, Invalid):
            print(refusal(tr, lang, result))
            continue
        screen = result.state["screen"]
        if screen in (ScreenKind.CANCELLED.value, ScreenKind.CLOSED.value):
            return None
        if screen == ScreenKind.STEP.value and result.state["field"] == field.name:
            state = result.state  # Reset: ask again
            continue
        values = result.state["values"]
        return dict(values)


def terminal_answer(view: Any, line: str) -> Answer:
    """A typed line: "#N" (or N on choice screens) presses button N; paths become files."""
    buttons = view.buttons()
    word = line.strip()
    number = word[1:] if word.startswith("#") else word
    pick = word.startswith("#") or view.expect.kind in (ExpectKind.CHOICE, ExpectKind.BOOLEAN)
    if pick and number.isdigit() and 1 <= int(number) <= len(buttons):
        chosen = buttons[int(number) - 1]
        return Press(chosen.action, chosen.arg)
    if view.expect.kind is ExpectKind.MEDIA and word and not is_http_url(word.split()[0]):
        refs = tuple(file_ref(part) for part in word.split())
        media = view.expect.media.value if view.expect.media else ""
        return MediaAnswer(
            tuple(r if r.media else MediaRef(r.ref, media, r.mime, r.size, r.name) for r in refs)
        )
    return TextAnswer(line)


def print_body(
    wizard: Wizard,
    spec: ModelSpec,
    tr: Translator,
    args: argparse.Namespace,
    values: dict[str, Any],
) -> int:
    """Print the request body (and, for people, the confirm screen first)."""
    body = request_body(spec, build_payload(spec, values))
    if not args.json:
        state = {**new_state(spec.id), "values": values, "screen": ScreenKind.CONFIRM.value}
        print(plain(tr, args.lang, wizard.view(state)))
    print(json.dumps(body, ensure_ascii=False, indent=2))
    return 0


async def submit(
    spec: ModelSpec,
    values: Mapping[str, Any],
    files: Mapping[str, tuple[bytes, str]],
    as_json: bool,
    transport: Any = None,
    poll_seconds: float = POLL_SECONDS,
) -> int:
    """Upload local files, create the task, poll it to the end and print the results.

    `transport` (an httpx transport) is the network seam tests replace.
    """
    from kiegram.kie import ApiFamily, KieClient, TaskState
    from kiegram.settings import load_settings

    settings = load_settings()
    key, base, upload = settings.kie_api_key, settings.kie_base_url, settings.kie_upload_base_url
    async with AsyncExitStack() as stack:
        if not key:
            # Like the bot: without a key, an in-process sandbox takes KIE's place.
            from kiegram.sandbox import sandbox_in_place_of_kie

            key, base, upload = await sandbox_in_place_of_kie(stack)
            print(f"KIE_API_KEY is not set: using the sandbox KIE at {base}", file=sys.stderr)
        client = await stack.enter_async_context(
            KieClient(key, base_url=base, upload_base_url=upload, transport=transport)
        )
        urls: dict[str, str] = {}
        for ref, (data, name) in files.items():
            urls[ref] = await client.upload_file(data, name)
        payload = build_payload(spec, values, lambda ref: urls.get(ref, ref))
        family = ApiFamily(spec.api.value)
        model = spec.id if family is ApiFamily.MARKET else None
        task_id = await client.create_task(family, model, payload, None)
        print(f"task {task_id}", file=sys.stderr)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE_SECONDS
        status = await client.get_status(family, task_id)
        while not status.state.terminal and loop.time() < deadline:
            await asyncio.sleep(poll_seconds)
            status = await client.get_status(family, task_id)
    result = {
        "task_id": task_id,
        "state": status.state.value,
        "result_urls": list(status.result_urls),
        "result_text": status.result_text,
        "fail_message": status.fail_message,
    }
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("\n".join(status.result_urls) or status.result_text or status.fail_message or "")
    return 0 if status.state is TaskState.SUCCEEDED else 1


def _file_refs(values: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for value in values.values():
        for item in value if isinstance(value, list) else [value]:
            ref = item.get("ref") if isinstance(item, Mapping) else None
            if isinstance(ref, str) and ref.startswith("file:"):
                found.append(ref)
    return found
