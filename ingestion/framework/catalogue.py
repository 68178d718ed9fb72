"""The course catalogue in the framework (`framework/course_catalogue.csv`): how L&D says
each programme is delivered, in what language, for whom and how it is paid for.

One row per course. The learning systems say little of this (LearnUpon's course API has no
course type, xAPI activity types rarely say more than "course"), so the catalogue is the
first source of `dim_course.modality`; a system's own type fills in for courses the
catalogue does not list. `check_course_catalogue(folder)` sorts the rows into loaded and
quarantined, with the reason:

- `course_id` and `modality` are filled;
- `modality` is one of MODALITIES (the warehouse's list, dbt seed `course_modalities`);
- `cost_model`, when given, is one of COST_MODELS;
- `language`, when given, looks like a BCP 47 tag (`en`, `de-CH`, `pt-BR`);
- a course appears once: the first row stands, a later row for the same course is
  quarantined with the line it repeats.

The file is optional: a framework without it is valid and loads nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingestion.framework.goals import Checked, read_csv

FILENAME = "course_catalogue.csv"
REQUIRED = ["course_id", "modality"]
OPTIONAL = ["language", "audience", "cost_model"]
# Keep in step with dbt_project/seeds/course_modalities.csv (a test compares them).
MODALITIES = (
    "e_learning",
    "instructor_led",
    "virtual_classroom",
    "coaching",
    "mentoring",
    "cohort_social",
    "on_the_job",
    "microlearning",
    "simulation",
    "xapi_experience",
)
# per_seat: a price per learner; per_session: a price per delivery (trainer, room) whatever
# the attendance; subscription: a library licence; internal: delivered by own staff.
COST_MODELS = ("per_seat", "per_session", "subscription", "internal")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _problem(row: dict) -> str | None:
    missing = [column for column in REQUIRED if not row.get(column)]
    if missing:
        return f"missing {', '.join(missing)}"
    if row["modality"] not in MODALITIES:
        return f"unknown modality {row['modality']!r} (one of {', '.join(MODALITIES)})"
    if row.get("cost_model") and row["cost_model"] not in COST_MODELS:
        return f"unknown cost_model {row['cost_model']!r} (one of {', '.join(COST_MODELS)})"
    if row.get("language") and not LANGUAGE_TAG.match(row["language"]):
        return f"language {row['language']!r} is not a language tag such as en or de-CH"
    return None


def check_course_catalogue(folder: Path) -> Checked:
    """The catalogue's rows sorted into `good` and `bad` (with reasons); `present` False
    when the file is absent."""
    checked = Checked("course_catalogue", FILENAME)
    path = Path(folder) / FILENAME
    if not path.exists():
        return checked
    checked.present = True
    checked.headers, rows = read_csv(path)
    first_line: dict[str, int] = {}
    for line, row in rows:
        problem = _problem(row)
        if problem is None and row["course_id"] in first_line:
            problem = f"course {row['course_id']} already listed on line {first_line[row['course_id']]}"
        if problem:
            checked.bad.append((line, row, problem))
        else:
            first_line[row["course_id"]] = line
            checked.good.append((line, row))
    return checked
