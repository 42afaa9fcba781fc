"""Start-up problems an operator can fix, each told in one line that names the setting.

`kiegram run` checks DATA_DIR and the HTTP port before it builds anything (and the database
in `startup_db`); a problem raises ConfigError, which the CLI prints as one line with exit
code 2 instead of a traceback. The lines are in `i18n/<lang>/startup.toml`, in the
operator's language: Russian when the locale (LC_ALL, LC_MESSAGES, LANG) says so.
"""

from __future__ import annotations

import errno
import functools
import os
import socket
from pathlib import Path
from typing import Any

from kiegram.errors import ConfigError
from kiegram.i18n import Translator, load_translator
from kiegram.ops.redaction import redact

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def operator_lang() -> str:
    """The language of the operator's terminal: the first locale variable set decides."""
    for name in LOCALE_VARIABLES:
        value = os.environ.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


@functools.cache
def _translator() -> Translator:
    return load_translator()


def say(key: str, **values: Any) -> str:
    """A start-up message in the operator's language, secrets masked."""
    return redact(_translator()(operator_lang(), key, **values))


def reason(exc: BaseException) -> str:
    """What the OS or the library said, without the errno and file name it repeats."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def check_data_dir(path: Path) -> None:
    """DATA_DIR exists (created when missing) and this user may write in it."""
    probe = path / f".kiegram-write-check-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        where = path.absolute()
        raise ConfigError(say("startup.data_dir", path=where, reason=reason(exc))) from exc


def check_port(host: str, port: int) -> None:
    """HTTP_HOST:HTTP_PORT can be listened on (port 0 picks a free one: nothing to check).

    Bound as aiohttp binds (SO_REUSEADDR, every address the host resolves to, skipping
    families the machine lacks) and let go at once.
    """
    if port == 0:
        return
    try:
        addresses = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise bind_error(exc, host, port) from exc
    unavailable: list[OSError] = []
    for family, kind, proto, _name, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno != errno.EADDRNOTAVAIL:
                    raise bind_error(exc, host, port) from exc
                unavailable.append(exc)
    if addresses and len(unavailable) == len(addresses):  # no family of the host's exists here
        raise bind_error(unavailable[0], host, port) from unavailable[0]


def bind_error(exc: OSError, host: str, port: int) -> ConfigError:
    """The one line for a listening socket that could not be opened."""
    if exc.errno == errno.EADDRINUSE:
        return ConfigError(say("startup.port_taken", host=host, port=port))
    if exc.errno == errno.EACCES:
        return ConfigError(say("startup.port_denied", port=port))
    return ConfigError(say("startup.http_host", host=host, reason=reason(exc)))
