"""The margin report's arithmetic and its two formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kiegram.billing.margins import MarginRow, as_csv, as_table, margins

DAY1, DAY2 = date(2026, 12, 1), date(2026, 12, 2)


def _row(
    day: date, model: str, jobs: int, units: int, quoted: str, charged: str, reported: int
) -> MarginRow:
    return MarginRow(day, model, jobs, units, Decimal(quoted), Decimal(charged), reported)


def test_paid_units_become_credits_and_an_unreported_jobs_cost_is_its_quote() -> None:
    rows = [
        _row(DAY1, "z-image", 2, 6, 6, "1.6", 2),
        _row(DAY2, "z-image", 4, 12, 12, "0.8", 1),  # KIE reported 1 of 4 jobs
        _row(DAY2, "veo3.1", 1, 0, 300, "100", 1),  # a free generation: nothing paid
    ]
    lines = margins(rows, Decimal("0.5"), Decimal(2))
    assert [(m.day, m.model_id) for m in lines] == [
        (DAY2, "veo3.1"),
        (DAY2, "z-image"),
        (DAY1, "z-image"),
    ]
    z2 = lines[1]
    assert z2.paid == Decimal(6) and z2.unreported == 3
    # 3 of 4 unreported: 3/4 of 12 units at 0.5 credits each, without the markup of 2
    assert z2.cost == Decimal("0.8") + 12 * Decimal("0.25") * 3 / 4
    assert lines[0].losing and not z2.losing

    total = margins(rows, Decimal("0.5"), Decimal(2), by_day=False)
    assert [m.model_id for m in total] == ["veo3.1", "z-image"]  # worst margin first
    assert total[1].jobs == 6 and total[1].paid_units == 18 and total[1].day is None


def test_csv_and_table_name_every_line() -> None:
    lines = margins([_row(DAY1, "z-image", 1, 3, 3, "2", 1)], Decimal(1), Decimal("1.5"))
    text = as_csv(lines).splitlines()
    assert text[0] == "day,model,jobs,paid_units,paid_credits,kie_credits,margin,unreported"
    assert text[1] == "2026-12-01,z-image,1,3,3.00,2.00,1.00,0"
    free = _row(DAY1, "veo3.1", 1, 0, 150, "100", 1)
    table = as_table(margins([free], Decimal(1), Decimal("1.5")))
    assert table.splitlines()[1].startswith("⚠ 2026-12-01  veo3.1")
