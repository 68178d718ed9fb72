"""The demo company's LearnUpon portal, and an emulator of LearnUpon's REST API serving it.

Northwind runs a second LMS beside Docebo: LearnUpon delivers the externally bought
courses, annual compliance training (with due dates) and product certifications, each with
a list price per seat and a duration. Its users are the company's employees (synced from
the HRIS, so everyone hired by the as-of date), its groups the departments. The courses are
LearnUpon's own catalogue, not the xAPI/Docebo one, so no learning is counted twice.

Everything here is drawn from its own random stream (`[seed, 13]`), after the company was
generated, so it never shifts the generator's streams or any other export. A handful of
realistic bad records are planted at fixed positions (`PLANTED`: the reasons the connector
gives, per table).

The emulator follows LearnUpon's documented shape as far as this project knows it (see the
LearnUpon section of ingestion/README.md for what is assumed): `GET /api/v1/<list>` with HTTP
basic auth (401 without the API username and password), lists inside a named envelope, paged
with `page` at a page size the server fixes, an empty list past the end; enrolments honour
`updated_since` (ISO 8601, inclusive, on the latest date the record carries); memberships are
listed per group (`group_memberships?group_id=`). Faults on demand (`demo.emulators.Faults`):
429 with `Retry-After`, 5xx, timeouts, truncated pages, a source that goes down part-way.
Every request is logged (path and query, never a header) for tests to assert on.

Run: `python -m demo.learnupon --data data/demo [--port 8107]` with `LEARNUPON_USERNAME` and
`LEARNUPON_PASSWORD` set; binds to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import threading
from collections import deque
from datetime import UTC, date, datetime, time, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import numpy as np

from demo.emulators import Faults, VendorHandler, serve_in_thread
from demo.generator import AS_OF, DEPARTMENTS, START_ON

if TYPE_CHECKING:
    from demo.generator import DemoCompany, Person

FILE_NAME = "learnupon.json"
DEFAULT_PORT = 8107
SERVER_PAGE_SIZE = 500  # LearnUpon's guide: 500 records per page
REQUEST_LOG_SIZE = 10_000  # the newest requests kept for tests; a long demo run must not grow it forever
STREAM = 13  # the random stream: np.random.default_rng([seed, STREAM])
ENVELOPES = {
    "users": "user",
    "courses": "courses",
    "enrollments": "enrollments",
    "learning_paths": "learning_paths",
    "groups": "groups",
    "group_memberships": "group_memberships",
}
EVERYONE = None
SALES = {"Sales EMEA", "Sales Americas"}
ENGINEERING = {"Platform Engineering", "Product Engineering", "Data & Analytics"}
# reference code, title, kind, minutes, list price (EUR per seat), pass mark (None: not
# graded), days to complete, audience (departments; None: everyone), renewed every year
COURSES = [
    ("COMP-INFOSEC", "Information Security Essentials", "compliance", 45, 25.0, 80, 30, EVERYONE, True),
    ("COMP-PRIVACY", "Data Protection and Privacy", "compliance", 40, 25.0, 80, 30, EVERYONE, True),
    ("COMP-CONDUCT", "Code of Conduct", "compliance", 30, 15.0, None, 30, EVERYONE, False),
    ("COMP-ABC", "Anti-Bribery and Corruption", "compliance", 35, 20.0, 80, 30, SALES | {"Finance"}, True),
    ("COMP-HSW", "Health and Safety at Work", "compliance", 60, 30.0, 75, 30, {"Operations"}, True),
    (
        "PROD-CORE",
        "Product Certification: Core Platform",
        "product",
        240,
        180.0,
        70,
        60,
        SALES | {"Customer Support"} | ENGINEERING,
        False,
    ),
    (
        "PROD-ADV",
        "Product Certification: Advanced Configuration",
        "product",
        480,
        350.0,
        70,
        90,
        {"Customer Support", "Platform Engineering", "Product Engineering"},
        False,
    ),
    ("PROD-SALES", "Selling the Platform", "product", 180, 120.0, None, 60, SALES, False),
]
PRODUCT_UPTAKE = 0.35  # share of the audience that takes a product course
CAMPAIGN_DAY = (2, 1)  # the annual compliance campaign opens on 1 February
LEARNING_PATHS = [
    ("Annual Compliance", ["COMP-INFOSEC", "COMP-PRIVACY", "COMP-CONDUCT"]),
    ("Commercial Compliance", ["COMP-ABC"]),
    ("Product Certification", ["PROD-CORE", "PROD-ADV"]),
    ("Sales Enablement", ["PROD-CORE", "PROD-SALES"]),
]
UNKNOWN_USER_ID = 799_999
UNKNOWN_COURSE_ID = 49_999
# Planted defects: table -> the reasons the connector gives. Tests count them by kind.
PLANTED = {
    "learnupon_users": ["duplicate id"],
    "learnupon_courses": ["missing id"],
    "learnupon_enrollments": [
        "unknown user",
        "unknown course",
        "score off the 0-100 scale",
        "percentage off the 0-100 scale",
        "completion date in the future",
        "completed before enrolled",
        "duplicate id",
    ],
    "learnupon_group_memberships": ["unknown user"],
}


def user_id(person: Person) -> int:
    return 700_001 + person.index


def course_id(number: int) -> int:
    return 41_001 + number


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _department(person: Person, on: date) -> str:
    job = next((h for h in reversed(person.history) if h["date"] <= on), person.history[0])
    return job["department"]


def _period_end(person: Person, on: date) -> datetime:
    """When the employment that contains `on` ends (or the end of the demo's data)."""
    last = datetime.combine(AS_OF, time(23, 59, 59), tzinfo=UTC)
    for start, end in [*person.previous_periods, (person.hire_date, person.termination_date)]:
        if start <= on and (end is None or on < end):
            return min(last, datetime.combine(end, time(0), tzinfo=UTC)) if end else last
    return last


def learnupon(company: DemoCompany) -> dict:
    """`users`, `courses`, `enrollments`, `learning_paths`, `groups` and `group_memberships`
    (group id -> its members) as the emulator serves them."""
    rng = np.random.default_rng([company.seed, STREAM])
    people = [p for p in company.people if p.hire_date <= AS_OF]
    managers = {p.manager for p in company.people if p.manager is not None}
    users = []
    for p in people:
        user = {
            "id": user_id(p),
            "email": p.email,
            "username": p.email,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "user_type": "manager" if p.index in managers else "learner",
            "enabled": p.termination_date is None,
            "created_at": stamp(datetime.combine(max(p.hire_date, date(2023, 10, 1)), time(7, 30), tzinfo=UTC)),
            "language": "en",
            # A custom user field carries the HRIS employee number for most people.
            "custom_data": {"employee_number": p.employee_number} if p.index % 3 else {},
        }
        if p.index % 4:
            user["last_sign_in_at"] = stamp(_period_end(p, p.hire_date) - timedelta(days=1 + p.index % 20))
        users.append(user)
    courses = [
        {
            "id": course_id(n),
            "name": title,
            "reference_code": code,
            "version": 1 + n % 2,
            "status": "published",
            "price": price,
            "currency": "EUR",
            "duration_minutes": minutes,
            "keywords": kind,
            "created_at": "2023-10-02T09:00:00Z",
        }
        for n, (code, title, kind, minutes, price, *_) in enumerate(COURSES)
    ]
    enrollments = _enrollments(people, rng)
    by_code = {c["reference_code"]: c["id"] for c in courses}
    paths = [
        {
            "id": 301 + n,
            "name": name,
            "status": "published",
            "description": f"{name} ({len(codes)} courses)",
            "created_at": "2023-10-05T09:00:00Z",
            "courses": [{"course_id": by_code[code], "position": k} for k, code in enumerate(codes, start=1)],
        }
        for n, (name, codes) in enumerate(LEARNING_PATHS)
    ]
    departments = [d[1] for d in DEPARTMENTS] + ["Executive Office"]
    groups = [
        {"id": 9_001 + n, "name": name, "description": f"Everyone in {name}", "created_at": "2023-10-02T09:00:00Z"}
        for n, name in enumerate(departments)
    ]
    group_of = {g["name"]: g["id"] for g in groups}
    memberships: dict[str, list[dict]] = {str(g["id"]): [] for g in groups}
    for p in people:
        job = p.history[-1]
        group = group_of[job["department"]]
        joined = max(job["date"], p.hire_date, date(2023, 10, 1))
        memberships[str(group)].append(
            {
                "id": 60_001 + p.index,
                "group_id": group,
                "user_id": user_id(p),
                "membership_type": "manager" if p.index in managers else "member",
                "created_at": stamp(datetime.combine(joined, time(8), tzinfo=UTC)),
            }
        )

    # Planted defects, at fixed positions so tests can count them.
    users.append(dict(users[len(users) // 2]))  # the same user twice in one list
    courses.append({**courses[0], "id": None, "name": "Untitled course (draft)", "reference_code": "DRAFT"})
    first_group = memberships[str(groups[0]["id"])]
    first_group.insert(len(first_group) // 2, {**first_group[0], "id": 69_999, "user_id": UNKNOWN_USER_ID})
    _plant_enrollments(enrollments)
    return {
        "users": users,
        "courses": courses,
        "enrollments": enrollments,
        "learning_paths": paths,
        "groups": groups,
        "group_memberships": memberships,
    }


def _enrollments(people: list[Person], rng: np.random.Generator) -> list[dict]:
    rows = []

    def enrol(person: Person, number: int, when: datetime) -> None:
        rows.append(_enrollment(person, number, when, rng))

    for p in people:
        joined = datetime.combine(p.hire_date, time(9), tzinfo=UTC) + timedelta(days=int(rng.integers(0, 5)))
        if p.hire_date >= START_ON and joined.date() <= AS_OF:  # new joiners: compliance in week one
            for n, course in enumerate(COURSES):
                if course[2] == "compliance" and _in_audience(course, _department(p, p.hire_date)):
                    enrol(p, n, joined)
        for year in range(START_ON.year + 1, AS_OF.year + 1):
            day = date(year, *CAMPAIGN_DAY)
            if day > AS_OF or not p.active_on(day) or (day - p.hire_date).days < 90:
                continue  # not there, or did it on arrival
            for n, course in enumerate(COURSES):
                renewed = course[8] or (year == START_ON.year + 1 and p.hire_date < START_ON)
                if course[2] == "compliance" and renewed and _in_audience(course, _department(p, day)):
                    enrol(p, n, datetime.combine(day, time(8), tzinfo=UTC) + timedelta(minutes=p.index % 60))
        start, end = max(p.hire_date, START_ON), min(p.termination_date or AS_OF, AS_OF)
        if end <= start:
            continue
        for n, course in enumerate(COURSES):
            if course[2] != "product" or rng.random() >= PRODUCT_UPTAKE:
                continue
            on = start + timedelta(days=int(rng.integers(0, (end - start).days)))
            if _in_audience(course, _department(p, on)):
                enrol(p, n, datetime.combine(on, time(int(rng.integers(8, 18))), tzinfo=UTC))
    rows.sort(key=lambda r: (r["date_enrolled"], r["user_id"], r["course_id"]))
    return [{"id": 5_000_001 + k, **row} for k, row in enumerate(rows)]


def _in_audience(course: tuple, department: str) -> bool:
    return course[7] is None or department in course[7]


def _enrollment(person: Person, number: int, enrolled: datetime, rng: np.random.Generator) -> dict:
    code, title, kind, minutes, _, pass_mark, due_days, _, _ = COURSES[number]
    limit = _period_end(person, enrolled.date())
    row = {
        "user_id": user_id(person),
        "course_id": course_id(number),
        "course_name": title,
        "email": person.email,
        "status": "not_started",
        "score": None,
        "percentage": 0,
        "date_enrolled": stamp(enrolled),
        "date_started": None,
        "date_completed": None,
        "due_date": (enrolled + timedelta(days=due_days)).date().isoformat(),
        "time_spent": 0,
    }
    started = enrolled + timedelta(hours=int(rng.integers(1, 24 * 7)))
    if rng.random() < 0.05 or started > limit:
        return row
    row.update(status="in_progress", date_started=stamp(started))
    completes = rng.random() < (0.93 if kind == "compliance" else 0.72)
    finished = started + timedelta(hours=int(rng.integers(1, 24 * int(due_days * 1.4))))
    if not completes or finished > limit:
        percentage = int(rng.integers(5, 96))
        row.update(percentage=percentage, time_spent=int(minutes * 60 * percentage / 100 * rng.uniform(0.7, 1.3)))
        return row
    row.update(percentage=100, time_spent=int(minutes * 60 * rng.uniform(0.6, 1.5)))
    if pass_mark is None:
        row.update(status="completed", date_completed=stamp(finished))
        return row
    score = round(
        float(np.clip(rng.normal(88 if kind == "compliance" else 80, 7 if kind == "compliance" else 9), 35, 100)), 1
    )
    passed = score >= pass_mark
    row.update(score=score, status="passed" if passed else "failed", date_completed=stamp(finished) if passed else None)
    return row


def _plant_enrollments(rows: list[dict]) -> None:
    step = max(1, len(rows) // 9)

    def finished(row: dict) -> dict:
        enrolled = datetime.fromisoformat(row["date_enrolled"].replace("Z", "+00:00"))
        row.update(
            status="passed",
            score=90.0,
            percentage=100,
            date_started=stamp(enrolled + timedelta(hours=1)),
            date_completed=stamp(enrolled + timedelta(hours=2)),
        )
        return row

    rows.insert(step, {**rows[step], "id": 5_999_901, "user_id": UNKNOWN_USER_ID})
    rows[2 * step]["course_id"] = UNKNOWN_COURSE_ID
    finished(rows[3 * step])["score"] = 104.0
    rows[4 * step]["percentage"] = 140
    finished(rows[5 * step])["date_completed"] = "2099-01-31T10:00:00Z"
    finished(rows[6 * step])["date_completed"] = "2020-01-02T10:00:00Z"
    rows.append(dict(rows[7 * step]))  # sent twice


def write_learnupon(company: DemoCompany, folder: Path) -> Path:
    path = folder / FILE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(learnupon(company), sort_keys=True), encoding="utf-8")
    return path


# -- the emulator -----------------------------------------------------------------------


def latest_date(item: dict) -> datetime | None:
    """The time LearnUpon would have stamped the enrolment's last change: the demo records
    carry no update time, so the latest date they show (enrolled, started, completed)."""
    stamps = []
    for key in ("date_enrolled", "date_started", "date_completed"):
        try:
            stamps.append(datetime.fromisoformat(str(item.get(key)).replace("Z", "+00:00")))
        except ValueError:
            continue
    return max(stamps) if stamps else None


class LearnUponHandler(VendorHandler):
    """`GET /api/v1/{users,courses,enrollments,learning_paths,groups,group_memberships}`."""

    username: str
    password: str
    data: dict
    page_size: int
    requests: deque

    def do_GET(self):
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        entry = {"path": url.path, "query": query, "status": None, "served": 0}
        self.requests.append(entry)
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if self.headers.get("Authorization", "") != expected:
            entry["status"] = 401
            return self._send(401, {"message": "Invalid API credentials"}, {"WWW-Authenticate": 'Basic realm="API"'})
        if self._fault():
            entry["status"] = "fault"
            return
        parts = url.path.strip("/").split("/")
        if len(parts) != 3 or parts[:2] != ["api", "v1"] or parts[2] not in ENVELOPES:
            entry["status"] = 404
            return self._send(404, {"message": "Not found"})
        name = parts[2]
        try:
            page = int(query.get("page", "1"))
        except ValueError:
            page = 0
        if page < 1:
            entry["status"] = 400
            return self._send(400, {"message": "page must be a positive integer"})
        items = self.data[name]
        if name == "group_memberships":
            if "group_id" not in query:
                entry["status"] = 400
                return self._send(400, {"message": "group_id is required"})
            items = items.get(query["group_id"], [])
        if "updated_since" in query:
            if name != "enrollments":
                entry["status"] = 400
                return self._send(400, {"message": "updated_since is supported on enrollments only"})
            try:
                since = datetime.fromisoformat(query["updated_since"].replace("Z", "+00:00"))
            except ValueError:
                entry["status"] = 400
                return self._send(400, {"message": "updated_since must be an ISO 8601 date-time"})
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
            # A record whose dates cannot be read is always sent, so the client quarantines it.
            items = [item for item in items if (latest_date(item) or since) >= since]
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        entry.update(status=200, served=len(chunk))
        self._send(200, {ENVELOPES[name]: chunk})


def make_learnupon_server(
    data: dict,
    *,
    username: str,
    password: str,
    host: str = "127.0.0.1",
    port: int = 0,
    page_size: int = SERVER_PAGE_SIZE,
    faults: Faults | None = None,
    requests: deque | None = None,
) -> ThreadingHTTPServer:
    attrs = {
        "username": username,
        "password": password,
        "data": data,
        "page_size": page_size,
        "faults": faults or Faults(),
        "requests": requests if requests is not None else deque(maxlen=REQUEST_LOG_SIZE),
    }
    return ThreadingHTTPServer((host, port), type("LearnUpon", (LearnUponHandler,), attrs))


class LearnUponEmulator:
    """The emulator on a loopback port, in a thread: its data, faults and request log."""

    def __init__(
        self,
        data: dict,
        *,
        username: str,
        password: str,
        page_size: int = SERVER_PAGE_SIZE,
        port: int = 0,
        faults: Faults | None = None,
    ) -> None:
        self.data, self.username, self.password = data, username, password
        self.faults = faults or Faults()
        self.requests: deque[dict] = deque(maxlen=REQUEST_LOG_SIZE)
        self.server = make_learnupon_server(
            data,
            username=username,
            password=password,
            port=port,
            page_size=page_size,
            faults=self.faults,
            requests=self.requests,
        )
        serve_in_thread(self.server)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/api/v1"

    @property
    def page_size(self) -> int:
        return self.server.RequestHandlerClass.page_size

    @page_size.setter
    def page_size(self, size: int) -> None:
        self.server.RequestHandlerClass.page_size = size

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/demo"), help=f"the folder holding {FILE_NAME}")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LEARNUPON_EMULATOR_PORT", DEFAULT_PORT)))
    args = parser.parse_args()
    for name in ("LEARNUPON_USERNAME", "LEARNUPON_PASSWORD"):
        if not os.environ.get(name):
            parser.error(f"{name} must be set in the environment")
    data = json.loads((args.data / FILE_NAME).read_text(encoding="utf-8"))
    emulator = LearnUponEmulator(
        data, username=os.environ["LEARNUPON_USERNAME"], password=os.environ["LEARNUPON_PASSWORD"], port=args.port
    )
    print(f"LearnUpon emulator on {emulator.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    emulator.close()


if __name__ == "__main__":
    main()
