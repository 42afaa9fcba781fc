"""The conversation (FSM) storage back-ends stand side by side in `kiegram/fsm/`."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[2] / "src" / "kiegram"
STORAGE_BASES = {"BaseStorage", "BaseEventIsolation", "CachedStorage"}


def _keyed(node: ast.ClassDef) -> bool:
    """A class with a method that takes an FSM `StorageKey`: conversation rows or a lock."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in item.args.args:
                if arg.annotation is not None and "StorageKey" in ast.unparse(arg.annotation):
                    return True
    return False


def test_every_conversation_storage_class_lives_in_the_fsm_folder() -> None:
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(b).rpartition(".")[2] for b in node.bases}
            if bases & STORAGE_BASES or _keyed(node):
                found[node.name] = path.relative_to(SRC).parent.as_posix()
    assert {"CachedStorage", "ConversationScope", "SqlStorage", "RedisConversations"} <= set(found)
    assert {name: folder for name, folder in found.items() if folder != "fsm"} == {}
