"""The wizard: a pure form engine that asks, validates and converts every model's inputs.

It imports only the standard library, `kiegram.catalog`, `kiegram.i18n` and `kiegram.errors`:
no Telegram, HTTP or database code, so the bot, the terminal (`kiegram try`) and tests drive
the same logic.

State: a JSON-serialisable dict (store it as-is): "model", "values" (KIE input name -> answer;
media as {"ref", "media", "mime", "size", "name", "duration"} dicts (duration in seconds or
null; a model priced per second of a file has no price while it is null), a list of them for
media_list inputs;
"ref" is an http(s) URL or an opaque "tg:<file_id>" / "file:/path" the caller resolves to a
URL before sending), "screen" ("step", "settings", "edit", "confirm", then "confirmed",
"cancelled" or "closed"), "field" (the input of a step/edit screen) and "history" (the screens
Back returns to).

Flow (prompt first, defaults always): the steps are only the inputs a model cannot run
without (required, no documented default; `order` first, then the catalog's order), each with
its help line and, on the prompt, the model's example prompts as buttons. After the last step
comes the confirm, every other value at its default: summary, KIE credits (no Confirm button
when the cost is unknown), "➕ <input>" for each optional file input, and Settings (every other
askable input with its current value; booleans toggle in place, other kinds open an edit
screen; Done returns to the confirm). Files sent while text is asked go to the model's file
input (their caption answers the question); files sent to the confirm fill the first file
input that takes them; a caption on a file step fills the prompt. Every step has Back, Reset
(clear the value) and Cancel. A media_list answer (an album) replaces the list. Answers never
mutate the given state: `Wizard.answer` returns a `Step` (new state + view) or an `Invalid`
(message key and values naming the input; the very same state object).

Object lists (`object_list` inputs with `item_fields`, e.g. a dialogue of {text, voice}):
the item's fields are asked one after another ("item" in the state holds the item being
filled in), then the list is shown with Add (hidden at max_items), Done (once min_items is
met) and a remove button per item; typed as JSON in `kiegram try --set`. An item field a
`when_media` rule makes idle for the item's files (a photo element's clip times) is passed
over, never asked nor sent. A model's `modes`
(mutually exclusive groups of inputs) are asked first as the choice `@mode`, which is never
sent; inputs of the other modes are inactive. Answers a later answer switches off are listed
under "dropped" and named on the confirm screen.

Buttons carry compact callbacks: `Action` plus an option index, a preset index or an index
into `spec.inputs` — never values — so they fit Telegram's 64 bytes.
"""

from kiegram.wizard.answers import Action, Answer, MediaAnswer, MediaRef, Press, TextAnswer
from kiegram.wizard.engine import Wizard, take
from kiegram.wizard.errors import InvalidAnswer, MissingInputError, UnknownModelError, WizardError
from kiegram.wizard.payload import build_payload, request_body, sent
from kiegram.wizard.render import button_text, plain, refusal, text
from kiegram.wizard.state import new_state, settings, steps
from kiegram.wizard.view import (
    Button,
    Expect,
    ExpectKind,
    Invalid,
    Msg,
    ScreenKind,
    Step,
    SummaryItem,
    Text,
    View,
)

__all__ = [
    "Action",
    "Answer",
    "Button",
    "Expect",
    "ExpectKind",
    "Invalid",
    "InvalidAnswer",
    "MediaAnswer",
    "MediaRef",
    "MissingInputError",
    "Msg",
    "Press",
    "ScreenKind",
    "Step",
    "SummaryItem",
    "Text",
    "TextAnswer",
    "UnknownModelError",
    "View",
    "Wizard",
    "WizardError",
    "build_payload",
    "button_text",
    "new_state",
    "plain",
    "refusal",
    "request_body",
    "sent",
    "settings",
    "steps",
    "take",
    "text",
]
