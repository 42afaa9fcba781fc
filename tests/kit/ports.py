"""Loopback ports for servers a test starts after choosing their address.

A port the kernel hands out for `bind(("127.0.0.1", 0))` lies in the ephemeral range
(`/proc/sys/net/ipv4/ip_local_port_range`, 32768-60999 by default), where every outgoing
connection of every process also takes its local port: between the probe closing and the
server binding, a client in another test worker may take it ("address already in use").
`free_port` hands out ports below that range instead, each pytest-xdist worker from a slice
of its own, and only ones that bind now.
"""

from __future__ import annotations

import itertools
import os
import socket

LOW, HIGH = 20_000, 32_000  # below the default ephemeral range
SLICE = 1_000  # ports per test worker (gw0, gw1, ...)


def _worker() -> int:
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = name.removeprefix("gw")
    return int(digits) if digits.isdigit() else 0


def _candidates() -> itertools.cycle[int]:
    start = LOW + (_worker() * SLICE) % (HIGH - LOW)
    # Each process starts at a different point of its slice, so runs one after the other
    # (and processes of one worker number) do not reuse the same ports at once.
    offset = os.getpid() % SLICE
    ports = [start + (offset + n) % SLICE for n in range(SLICE)]
    return itertools.cycle(ports)


_ports = _candidates()


def free_port() -> int:
    """A loopback port nobody listens on now, outside the ephemeral range."""
    for _ in range(SLICE):
        port = next(_ports)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port in {LOW}-{HIGH}")
