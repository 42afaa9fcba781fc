"""The wizard: start a model, show its screen, take an answer (a new state or a refusal)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiegram.catalog import Catalog, InputKind, InputSpec, ModelSpec
from kiegram.catalog.cost import offered
from kiegram.wizard.above import check_above
from kiegram.wizard.answers import Action, Answer, MediaAnswer, Press, TextAnswer
from kiegram.wizard.display import presets
from kiegram.wizard.errors import InvalidAnswer, UnknownModelError
from kiegram.wizard.fill import caption_home, example, media_home
from kiegram.wizard.items import check_sums, parse_items
from kiegram.wizard.list_view import is_list_screen
from kiegram.wizard.lists import on_list
from kiegram.wizard.media import check_media, check_seconds, refs_from_text
from kiegram.wizard.modes import note_dropped
from kiegram.wizard.navigation import ask_missing, back, enter_step, forward, go, to_confirm
from kiegram.wizard.parse import param_of, parse_boolean, parse_choice, parse_number, parse_text
from kiegram.wizard.state import clone, extras, limited, new_state, prune, settings
from kiegram.wizard.view import Invalid, ScreenKind, Step, View
from kiegram.wizard.views import build_view

TERMINAL = (ScreenKind.CONFIRMED, ScreenKind.CANCELLED, ScreenKind.CLOSED)


class Wizard:
    """The form engine over a catalog; holds no per-user state."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def spec(self, state: Mapping[str, Any]) -> ModelSpec:
        """The usable model a state belongs to."""
        spec = self.catalog.get(str(state.get("model", "")))
        if spec is None or not spec.usable:
            raise UnknownModelError(f"no usable model {state.get('model')!r}")
        return spec

    def start(self, model_id: str, lang: str = "ru") -> Step:
        """The first screen of a model (`lang`: the language of its example prompts)."""
        state = new_state(model_id, lang)
        spec = self.spec(state)
        enter_step(spec, state, 0)
        return Step(state, build_view(spec, state))

    def view(self, state: Mapping[str, Any]) -> View:
        """The screen a state is on."""
        return build_view(self.spec(state), state)

    def answer(self, state: dict[str, Any], answer: Answer) -> Step | Invalid:
        """Apply an answer to a copy of `state`; a refusal returns `state` itself."""
        spec = self.spec(state)
        work = clone(state)
        try:
            self._apply(spec, work, answer)
        except InvalidAnswer as exc:
            return Invalid(exc.key, exc.values, state)
        work["values"] = prune(spec, work["values"])
        note_dropped(spec, state, work)
        return Step(work, build_view(spec, work))

    def _apply(self, spec: ModelSpec, state: dict[str, Any], answer: Answer) -> None:
        screen = ScreenKind(state["screen"])
        if screen in TERMINAL:
            raise InvalidAnswer("wizard.err_finished")
        listed = is_list_screen(spec, state)
        if isinstance(answer, Press) and answer.action is Action.CANCEL:
            go(state, ScreenKind.CANCELLED)
        elif listed is not None:
            on_list(spec, state, listed, answer, take)
        elif isinstance(answer, Press) and answer.action is Action.BACK:
            back(spec, state)
        elif screen is ScreenKind.STEP:
            self._on_step(spec, state, answer)
        elif screen is ScreenKind.EDIT:
            self._on_edit(spec, state, answer)
        elif screen is ScreenKind.SETTINGS:
            self._on_settings(spec, state, answer)
        else:
            self._on_confirm(spec, state, answer)

    def _on_step(self, spec: ModelSpec, state: dict[str, Any], answer: Answer) -> None:
        field = spec.input(state["field"])
        values = state["values"]
        if isinstance(answer, Press) and answer.action is Action.RESET:
            values.pop(field.name, None)
            return
        if isinstance(answer, Press) and answer.action is Action.EXAMPLE:
            answer = example(spec, state, answer)
        if isinstance(answer, Press) and answer.action is Action.SKIP and not field.required:
            values.pop(field.name, None)
        elif isinstance(answer, MediaAnswer) and not field.is_media:
            if not self._files_elsewhere(spec, state, field, answer):
                return  # the files went where files go; the question still stands
        else:
            values[field.name] = take(spec, values, field, answer)
            if isinstance(answer, MediaAnswer):
                self._caption(spec, values, field, answer)
        state["values"] = prune(spec, values)
        forward(spec, state)

    def _files_elsewhere(
        self, spec: ModelSpec, state: dict[str, Any], field: InputSpec, answer: MediaAnswer
    ) -> bool:
        """Files sent while text is asked fill the model's file input; a caption answers the
        question. True when it did."""
        values = state["values"]
        home = media_home(spec, values, answer, field.name)
        if home is None:
            raise InvalidAnswer("wizard.err_expected_text", param=param_of(field))
        values[home.name] = take(spec, values, home, MediaAnswer(answer.items))
        if answer.caption.strip():
            values[field.name] = take(spec, values, field, TextAnswer(answer.caption))
            return True
        state["values"] = prune(spec, values)
        return False

    def _caption(
        self, spec: ModelSpec, values: dict[str, Any], field: InputSpec, answer: MediaAnswer
    ) -> None:
        """A photo's caption is the prompt of a model that takes both."""
        home = caption_home(spec, values, field.name) if answer.caption.strip() else None
        if home is not None:
            values[home.name] = take(spec, values, home, TextAnswer(answer.caption))

    def _on_edit(self, spec: ModelSpec, state: dict[str, Any], answer: Answer) -> None:
        field = spec.input(state["field"])
        values = state["values"]
        if isinstance(answer, Press) and answer.action is Action.EXAMPLE:
            answer = example(spec, state, answer)
        if isinstance(answer, Press) and answer.action in (Action.RESET, Action.CLEAR):
            values.pop(field.name, None)
        else:
            values[field.name] = take(spec, values, field, answer)
            if isinstance(answer, MediaAnswer):
                self._caption(spec, values, field, answer)
        state["values"] = prune(spec, values)
        back(spec, state)
        ask_missing(spec, state)

    def _on_settings(self, spec: ModelSpec, state: dict[str, Any], answer: Answer) -> None:
        values = state["values"]
        listed = settings(spec, values)
        if not isinstance(answer, Press):
            raise InvalidAnswer("wizard.err_use_buttons")
        if answer.action is Action.RESET:
            for field in listed:
                values.pop(field.name, None)
            return
        if answer.action is Action.DONE:
            to_confirm(spec, state)  # a step left unanswered comes before the confirm
            return
        field = _setting(spec, listed, answer)
        if answer.action is Action.TOGGLE and field.kind is InputKind.BOOLEAN:
            values[field.name] = not bool(values.get(field.name, field.default))
            state["values"] = prune(spec, values)
            ask_missing(spec, state)
        elif answer.action is Action.OPEN and field.kind is not InputKind.BOOLEAN:
            go(state, ScreenKind.EDIT, field.name, push=True)
        else:
            raise InvalidAnswer("wizard.err_stale")

    def _on_confirm(self, spec: ModelSpec, state: dict[str, Any], answer: Answer) -> None:
        values = state["values"]
        if isinstance(answer, MediaAnswer):
            self._files_on_confirm(spec, values, answer)
        elif isinstance(answer, Press) and answer.action is Action.SETTINGS:
            if not settings(spec, values):
                raise InvalidAnswer("wizard.err_stale")
            go(state, ScreenKind.SETTINGS, push=True)
        elif isinstance(answer, Press) and answer.action is Action.OPEN:
            field = _setting(spec, extras(spec, values), answer)
            go(state, ScreenKind.EDIT, field.name, push=True)
        elif isinstance(answer, Press) and answer.action is Action.CONFIRM:
            if build_view(spec, state).credits is None:
                raise InvalidAnswer("wizard.not_available")
            _check_limits(spec, values)
            check_sums(spec, values)
            check_above(spec, values)
            go(state, ScreenKind.CONFIRMED)
        else:
            raise InvalidAnswer("wizard.err_use_buttons")

    def _files_on_confirm(
        self, spec: ModelSpec, values: dict[str, Any], answer: MediaAnswer
    ) -> None:
        """Files sent to the confirm fill the first file input that takes them."""
        home = media_home(spec, values, answer)
        if home is None:
            raise InvalidAnswer("wizard.err_use_buttons")
        values[home.name] = take(spec, values, home, MediaAnswer(answer.items))
        self._caption(spec, values, home, answer)


def _check_limits(spec: ModelSpec, values: Mapping[str, Any]) -> None:
    """A text answered under other answers may be too long for the ones given since."""
    for field in spec.inputs:
        value = values.get(field.name)
        if field.limits and isinstance(value, str):
            parse_text(limited(spec, field, values), value)


def _setting(spec: ModelSpec, listed: list[InputSpec], press: Press) -> InputSpec:
    if not isinstance(press.arg, int) or not 0 <= press.arg < len(spec.inputs):
        raise InvalidAnswer("wizard.err_stale")
    field = spec.inputs[press.arg]
    if field not in listed:
        raise InvalidAnswer("wizard.err_stale")
    return field


def take(spec: ModelSpec, values: Mapping[str, Any], field: InputSpec, answer: Answer) -> Any:
    """The value an answer gives an input, or InvalidAnswer naming the input."""
    if isinstance(answer, Press):
        return _pressed(spec, values, field, answer)
    if isinstance(answer, MediaAnswer):
        if not field.is_media:
            raise InvalidAnswer("wizard.err_expected_text", param=param_of(field))
        stored = check_media(field, answer.items)
        check_seconds(spec, field, answer.items)
        return stored
    return typed(spec, values, field, answer)


def typed(spec: ModelSpec, values: Mapping[str, Any], field: InputSpec, answer: TextAnswer) -> Any:
    """The value of typed text for an input of any kind."""
    kind = field.kind
    if field.is_media:
        if not answer.text.strip():
            raise InvalidAnswer("wizard.err_empty", param=param_of(field))
        return check_media(field, refs_from_text(field, answer.text))
    if kind in (InputKind.INTEGER, InputKind.NUMBER):
        number = parse_number(field, answer.text)
        check_above(spec, {**values, field.name: number}, field.name)
        return number
    if kind is InputKind.BOOLEAN:
        return parse_boolean(field, answer.text)
    if kind is InputKind.CHOICE:
        return parse_choice(field, answer.text, lambda v: offered(spec, values, field, v))
    if kind is InputKind.OBJECT_LIST:
        return parse_items(spec, field, answer.text, take)
    return parse_text(limited(spec, field, values), answer.text, answer.exact)


def _pressed(spec: ModelSpec, values: Mapping[str, Any], field: InputSpec, press: Press) -> Any:
    arg = press.arg
    choice = press.action is Action.OPTION and field.kind is InputKind.CHOICE
    if choice and isinstance(arg, int) and 0 <= arg < len(field.options):
        value = field.options[arg].value
        if offered(spec, values, field, value):
            return value
        raise InvalidAnswer("wizard.err_unavailable_option", param=param_of(field))
    if press.action is Action.BOOL and field.kind is InputKind.BOOLEAN and arg in (0, 1):
        return bool(arg)
    if press.action is Action.NUMBER and field.kind in (InputKind.INTEGER, InputKind.NUMBER):
        found = presets(field)
        if isinstance(arg, int) and 0 <= arg < len(found):
            check_above(spec, {**values, field.name: found[arg]}, field.name)
            return found[arg]
    raise InvalidAnswer("wizard.err_stale")
