"""The demo company as a Docebo-shaped LMS shows it.

Derived from the same simulated course takings as the xAPI statements, so the LMS and
the LRS agree: one enrolment per person and course (a retake resets it, as Docebo
does), completed when the statements say so, with the score, the time spent and, for
courses that must be renewed, an expiry date. External training (conferences,
certifications) comes from its own random stream so it never shifts the rest of the
company. A handful of realistic bad records are planted at fixed positions.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from demo.generator import AS_OF, COURSES, LMS_HOME, XAPI_NAMESPACE

if TYPE_CHECKING:
    from demo.generator import DemoCompany

CLASSROOM_COURSES = {"CRS-015", "CRS-016", "CRS-019", "CRS-020"}
RENEWED_COURSES = {"CRS-009": 365, "CRS-021": 730}  # course -> validity in days
LEARNING_PLANS = [
    ("LP-MGR", "New Manager Path", ["CRS-019", "CRS-020", "CRS-003"]),
    ("LP-DATA", "Data and AI Literacy", ["CRS-006", "CRS-009", "CRS-010", "CRS-021"]),
    ("LP-ENG", "Engineering Excellence", ["CRS-015", "CRS-014", "CRS-016"]),
    ("LP-CX", "Customer First", ["CRS-011", "CRS-012"]),
]
EXTERNAL_KINDS = [
    ("conference", "Industry Summit", 16.0),
    ("certification", "Cloud Practitioner Certification", 24.0),
    ("workshop", "Facilitation Workshop", 8.0),
    ("certification", "Project Management Professional", 35.0),
]
UNKNOWN_USER_ID = 999_999
# Planted defects: table -> the reasons the connector gives. Tests count them by kind.
PLANTED = {
    "docebo_enrollments": [
        "unknown user",
        "score not a number",
        "completion date in the future",
        "completed before enrolled",
    ],
    "docebo_courses": ["missing id_course"],
    "docebo_external_training": ["duplicate id"],
}


def user_id(index: int) -> int:
    return 12_001 + index


def course_numeric_id(course_id: str) -> int:
    return int(course_id.split("-")[1])


def _seconds(duration: str) -> int:
    hours, _, rest = duration[2:].partition("H")
    return int(hours) * 3600 + (int(rest.rstrip("M")) * 60 if rest else 0)


def docebo(company: DemoCompany) -> dict[str, list[dict]]:
    """`users`, `courses`, `enrollments`, `learningplans`, `external_training` lists."""
    people_by_email = {p.email: p for p in company.people}
    users = []
    for p in company.people:
        if p.hire_date > AS_OF:
            continue
        users.append(
            {
                "user_id": str(user_id(p.index)),
                "username": p.email if p.index % 5 else p.email.upper(),  # logins typed in capitals
                "first_name": p.first_name,
                "last_name": p.last_name,
                "email": p.email,
                "uuid": str(uuid.uuid5(XAPI_NAMESPACE, f"docebo|{p.employee_number}")),
                "level": "user",
                "valid": "0" if p.termination_date else "1",
                "creation_date": f"{max(p.hire_date, date(2023, 10, 1)).isoformat()} 08:00:00",
                "field_1": p.employee_number if p.index % 2 == 0 else "",  # "Employee ID" additional field
            }
        )
    courses = [
        {
            "id_course": course_numeric_id(cid),
            "code": cid,
            "name": title,
            "type": "classroom" if cid in CLASSROOM_COURSES else "elearning",
            "duration": int(hours * 60),  # minutes
            "credits": round(hours / 4, 1),
            "date_creation": "2023-09-01 09:00:00",
            "url": f"{LMS_HOME}/courses/{cid}",
        }
        for cid, title, hours, _ in COURSES
    ]
    enrollments: dict[tuple[int, int], dict] = {}
    for s in sorted(company.statements, key=lambda s: (s["timestamp"], s["id"])):
        person = people_by_email[s["actor"]["account"]["name"]]
        course_id = s["object"]["id"].rsplit("/", 1)[1]
        key = (user_id(person.index), course_numeric_id(course_id))
        verb = s["verb"]["display"]["en-US"]
        when = datetime.fromisoformat(s["timestamp"])
        if verb == "attempted":
            enrollments[key] = {
                "user_id": key[0],
                "course_id": key[1],
                "course_code": course_id,
                "enrollment_date": when.strftime("%Y-%m-%d %H:%M:%S"),
                "enrollment_status": "in_progress",
                "enrollment_completion_date": None,
                "enrollment_validity_end_date": None,
                "enrollment_score": None,
                "total_time": 0,
            }
            continue
        row = enrollments[key]
        result = s.get("result") or {}
        row["total_time"] = _seconds(result.get("duration", "PT0H"))
        if "score" in result:
            row["enrollment_score"] = round(result["score"]["scaled"] * 100, 1)
        if verb == "failed":
            row["enrollment_status"] = "failed"
        elif verb == "completed":
            row["enrollment_status"] = "completed"
            row["enrollment_completion_date"] = when.strftime("%Y-%m-%d %H:%M:%S")
            if course_id in RENEWED_COURSES:
                row["enrollment_validity_end_date"] = (when + timedelta(days=RENEWED_COURSES[course_id])).strftime(
                    "%Y-%m-%d"
                )
    enrollment_rows = sorted(enrollments.values(), key=lambda r: (r["enrollment_date"], r["user_id"], r["course_id"]))
    plans = [
        {
            "learning_plan_id": n,
            "uuid": str(uuid.uuid5(XAPI_NAMESPACE, f"plan|{code}")),
            "code": code,
            "title": title,
            "created_on": "2023-09-15 09:00:00",
            "courses": [{"id_course": course_numeric_id(c), "sequence": i} for i, c in enumerate(course_ids, start=1)],
        }
        for n, (code, title, course_ids) in enumerate(LEARNING_PLANS, start=1)
    ]
    external = _external_training(company)

    # Planted defects, at fixed positions so tests can count them.
    step = max(1, len(enrollment_rows) // 5)
    template = dict(enrollment_rows[step])
    enrollment_rows.insert(step, {**template, "user_id": UNKNOWN_USER_ID})
    enrollment_rows[2 * step]["enrollment_score"] = "eighty"
    if enrollment_rows[2 * step]["enrollment_status"] != "completed":
        enrollment_rows[2 * step]["enrollment_status"] = "completed"
        enrollment_rows[2 * step]["enrollment_completion_date"] = enrollment_rows[2 * step]["enrollment_date"]
    enrollment_rows[3 * step]["enrollment_completion_date"] = "2099-01-31 10:00:00"
    enrollment_rows[3 * step]["enrollment_status"] = "completed"
    enrollment_rows[4 * step]["enrollment_completion_date"] = "2020-01-02 10:00:00"
    enrollment_rows[4 * step]["enrollment_status"] = "completed"
    courses.append({**courses[0], "id_course": None, "code": "CRS-DRAFT", "name": "Untitled course (draft)"})
    external.append(dict(external[len(external) // 2]))
    return {
        "users": users,
        "courses": courses,
        "enrollments": enrollment_rows,
        "learningplans": plans,
        "external_training": external,
    }


def _external_training(company: DemoCompany) -> list[dict]:
    rng = np.random.default_rng([company.seed, 3])
    rows = []
    for p in company.people:
        if rng.random() >= 0.12 or p.hire_date > AS_OF:
            continue
        kind, title, hours = EXTERNAL_KINDS[int(rng.integers(0, len(EXTERNAL_KINDS)))]
        start = max(p.hire_date, date(2023, 11, 1))
        end = p.termination_date or AS_OF
        if end <= start:
            continue
        on = start + timedelta(days=int(rng.integers(0, (end - start).days)))
        rows.append(
            {
                "id": f"EXT-{len(rows) + 1:05d}",
                "user_id": user_id(p.index),
                "course_name": title,
                "training_type": kind,
                "provider": {"conference": "EventCo", "certification": "CertBody", "workshop": "Facilitate Ltd"}[kind],
                "from_date": on.isoformat(),
                "to_date": (on + timedelta(days=max(0, int(hours // 8) - 1))).isoformat(),
                "hours": hours,
                "credits": round(hours / 4, 1),
                "cost": round(float(rng.uniform(300, 2500)), 2),
                "currency": "EUR",
                "status": "approved",
            }
        )
    return rows
