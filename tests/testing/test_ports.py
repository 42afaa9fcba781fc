"""Ports for test servers come from below the ephemeral range, free, one worker's slice each."""

from __future__ import annotations

import socket

from kit import ports
from kit.ports import HIGH, LOW, free_port


def test_ports_are_free_distinct_and_outside_the_ephemeral_range() -> None:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    handed = [free_port() for _ in range(20)]
    assert len(set(handed)) == 20
    assert all(LOW <= port < HIGH and port < ephemeral_low for port in handed)
    with socket.socket() as server:
        server.bind(("127.0.0.1", handed[0]))  # free indeed


def test_a_taken_port_is_passed_over(monkeypatch) -> None:
    with socket.socket() as probe:  # a port free just now (a fixed one may be in use)
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        busy = taken.getsockname()[1]
        taken.listen()
        monkeypatch.setattr(ports, "_ports", iter([busy, busy, free]))
        assert free_port() == free
