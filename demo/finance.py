"""The demo company's training spend, as the finance system exports it: CSV files.

One `course_prices_<date>.csv` (list price per seat, with a price rise in 2025), and
per quarter `vendor_invoices_<yyyy>-Q<n>.csv` (e-learning content billed per enrolled
seat), `instructor_costs_<yyyy>-Q<n>.csv` and `venue_costs_<yyyy>-Q<n>.csv` (one
classroom session per course and month with enrolments). Amounts follow from the same
course takings as the LMS data, so spend per course is consistent with enrolments. A
few realistic bad rows are planted at fixed positions.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from demo.docebo import CLASSROOM_COURSES
from demo.generator import AS_OF, COURSES

if TYPE_CHECKING:
    from demo.generator import DemoCompany

VENDORS = ["Skillsoft-like Content Ltd", "Learnwise Academy", "DataCamp-like Labs"]
INSTRUCTORS = ["A. Moreau", "B. Okafor", "C. Lindqvist", "D. Sharma"]
VENUES = ["London Training Centre", "Berlin Workspace", "Lisbon Hub"]
PRICE_RISE_ON = date(2025, 1, 1)
COLUMNS = {
    "course_prices": ["course_id", "list_price", "currency", "valid_from", "valid_to"],
    "vendor_invoices": [
        "invoice_id",
        "vendor",
        "course_id",
        "invoice_date",
        "period_start",
        "period_end",
        "seats",
        "amount",
        "currency",
    ],
    "instructor_costs": [
        "cost_id",
        "session_id",
        "course_id",
        "instructor",
        "session_date",
        "days",
        "day_rate",
        "amount",
        "currency",
    ],
    "venue_costs": ["cost_id", "session_id", "course_id", "venue", "session_date", "amount", "currency"],
}
# Planted defects per file kind (what the connector reports), one row each.
PLANTED = {
    "vendor_invoices": [
        "amount is not a number",
        "missing invoice_id",
        "duplicate invoice_id",
        "invoice_date in the future",
    ],
    "instructor_costs": ["days is not a number"],
}


def _price(course_id: str, hours: float, on: date) -> float:
    base = 40.0 * hours + (600.0 if course_id in CLASSROOM_COURSES else 0.0)
    return round(base * (1.05 if on >= PRICE_RISE_ON else 1.0), 2)


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_bounds(label: str) -> tuple[date, date]:
    year, q = int(label[:4]), int(label[-1])
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def finance_files(company: DemoCompany) -> dict[str, list[dict]]:
    """File name -> rows (each row a dict with the columns of its kind)."""
    rng = np.random.default_rng([company.seed, 5])
    hours = {cid: h for cid, _, h, _ in COURSES}
    files: dict[str, list[dict]] = {
        f"course_prices_{AS_OF.isoformat()}.csv": [
            row
            for cid, _, h, _ in COURSES
            for row in (
                {
                    "course_id": cid,
                    "list_price": f"{_price(cid, h, date(2023, 1, 1)):.2f}",
                    "currency": "EUR",
                    "valid_from": "2023-01-01",
                    "valid_to": "2024-12-31",
                },
                {
                    "course_id": cid,
                    "list_price": f"{_price(cid, h, PRICE_RISE_ON):.2f}",
                    "currency": "EUR",
                    "valid_from": PRICE_RISE_ON.isoformat(),
                    "valid_to": "",
                },
            )
        ]
    }
    seats: Counter = Counter()  # (quarter, course) -> enrolments
    sessions: Counter = Counter()  # (month, course) -> enrolments in classroom courses
    for s in company.statements:
        if s["verb"]["display"]["en-US"] != "attempted":
            continue
        when = datetime.fromisoformat(s["timestamp"]).date()
        course_id = s["object"]["id"].rsplit("/", 1)[1]
        if course_id in CLASSROOM_COURSES:
            sessions[(when.replace(day=1), course_id)] += 1
        else:
            seats[(_quarter(when), course_id)] += 1
    quarters = sorted({q for q, _ in seats} | {_quarter(m) for m, _ in sessions})
    for quarter in quarters:
        start, end = _quarter_bounds(quarter)
        invoice_date = min(end, AS_OF).isoformat()
        invoices = []
        for course_id in sorted({c for q, c in seats if q == quarter}):
            n = seats[(quarter, course_id)]
            vendor = VENDORS[int(course_id[-3:]) % len(VENDORS)]
            invoices.append(
                {
                    "invoice_id": f"INV-{quarter.replace('-', '')}-{course_id[-3:]}",
                    "vendor": vendor,
                    "course_id": course_id,
                    "invoice_date": invoice_date,
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                    "seats": str(n),
                    "amount": f"{n * _price(course_id, hours[course_id], start):.2f}",
                    "currency": "EUR",
                }
            )
        instructors, venues = [], []
        for month, course_id in sorted(k for k in sessions if _quarter(k[0]) == quarter):
            session_id = f"SES-{month.strftime('%Y%m')}-{course_id[-3:]}"
            session_on = month.replace(day=int(rng.integers(5, 25)))
            days = max(1, round(hours[course_id] / 8))
            rate = float(rng.choice([650.0, 800.0, 950.0]))
            instructors.append(
                {
                    "cost_id": f"INS-{session_id[4:]}",
                    "session_id": session_id,
                    "course_id": course_id,
                    "instructor": INSTRUCTORS[int(rng.integers(0, len(INSTRUCTORS)))],
                    "session_date": session_on.isoformat(),
                    "days": str(days),
                    "day_rate": f"{rate:.2f}",
                    "amount": f"{days * rate:.2f}",
                    "currency": "EUR",
                }
            )
            venues.append(
                {
                    "cost_id": f"VEN-{session_id[4:]}",
                    "session_id": session_id,
                    "course_id": course_id,
                    "venue": VENUES[int(rng.integers(0, len(VENUES)))],
                    "session_date": session_on.isoformat(),
                    "amount": f"{days * float(rng.uniform(300, 700)):.2f}",
                    "currency": "EUR",
                }
            )
        files[f"vendor_invoices_{quarter}.csv"] = invoices
        files[f"instructor_costs_{quarter}.csv"] = instructors
        files[f"venue_costs_{quarter}.csv"] = venues

    # Planted defects in the second quarter's files (fixed positions, counted by tests).
    second = quarters[1] if len(quarters) > 1 else quarters[0]
    invoices = files[f"vendor_invoices_{second}.csv"]
    template = invoices[0]
    invoices.extend(
        [
            {**template, "invoice_id": f"INV-{second.replace('-', '')}-X01", "amount": "TBC"},
            {**template, "invoice_id": "", "amount": "120.00"},
            dict(template),  # the same invoice exported twice in one file
            {**template, "invoice_id": f"INV-{second.replace('-', '')}-X02", "invoice_date": "2099-03-31"},
        ]
    )
    instructors = files[f"instructor_costs_{second}.csv"]
    if instructors:
        instructors.append({**instructors[0], "cost_id": instructors[0]["cost_id"] + "-B", "days": "two"})
    return files


def write_finance(company: DemoCompany, folder: Path) -> dict[str, int]:
    """Write the export files into `folder`; returns rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in finance_files(company).items():
        kind = name.rsplit("_", 1)[0]
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS[kind], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        counts[name] = len(rows)
    return counts
