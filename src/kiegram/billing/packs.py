"""Top-up packs: how many units a number of Telegram Stars buys."""

from __future__ import annotations

from dataclasses import dataclass

from kiegram.errors import ConfigError


@dataclass(frozen=True, slots=True)
class StarsPack:
    """One invoice the bot offers: `units` for `stars` (currency XTR)."""

    units: int
    stars: int

    @property
    def code(self) -> str:
        """A short id for callback data and invoice payloads."""
        return f"{self.units}x{self.stars}"


def parse_packs(text: str) -> tuple[StarsPack, ...]:
    """Parse "100:50,500:230" (units:stars) into packs sorted by units."""
    packs: list[StarsPack] = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            units, stars = (int(x) for x in part.split(":"))
        except ValueError as exc:
            raise ConfigError(f"STARS_PACKS item {part.strip()!r} is not units:stars") from exc
        if units < 1 or stars < 1:
            raise ConfigError(f"STARS_PACKS item {part.strip()!r} must be positive")
        packs.append(StarsPack(units, stars))
    return tuple(sorted(set(packs), key=lambda p: (p.units, p.stars)))


def find_pack(packs: tuple[StarsPack, ...], code: str) -> StarsPack | None:
    """The pack with this code (from an invoice payload)."""
    return next((p for p in packs if p.code == code), None)
