"""Local emulators of the vendor APIs the connectors read, serving the demo company.

Each emulator follows its vendor's documented shape: BambooHR (HTTP basic auth with the
API key as user name, `POST reports/custom`, `employees/changed/tables/{jobInfo,
employmentStatus}?since=`), Lattice (bearer token, `limit` + `startingAfter` paging
answered with `hasMore` and `endingCursor`) and Docebo (OAuth2 client credentials at
`/oauth2/token`, `page` + `page_size` answered with `has_more_data`), 15Five, Workday and
Culture Amp. Each can inject faults on demand (see `Faults`): 429 with `Retry-After`, 5xx,
timeouts, truncated pages and a source that goes down in the middle of a load. The filters
the incremental loads send are honoured: Docebo `updated_from`, 15Five `created_on_start` /
`created_on_end`, Culture Amp `after_date`.

Run: `python -m demo.emulators --data data/demo` (credentials from the environment:
`BAMBOOHR_API_KEY`, `LATTICE_API_TOKEN`, `DOCEBO_CLIENT_ID`, `DOCEBO_CLIENT_SECRET`).
Binds to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

WORKDAY_REPORT_PATH = "/ccx/service/customreport2/northwind/ISU_Warehouse/Workers_for_Warehouse"


@dataclass
class Faults:
    """Fault injection on demand.

    - every `every`-th request (0 = off) fails as `mode` says: `status` answers `status`
      (429 with `Retry-After: retry_after`), `timeout` holds the answer back for `delay`
      seconds and then drops the connection, `truncate` sends half of the body, `slow`
      answers after `delay` seconds;
    - `fail_after` > 0: every request after that many answers 500 (a source that goes
      down in the middle of a load).
    """

    every: int = 0
    status: int = 429
    retry_after: int = 1
    mode: str = "status"
    delay: float = 3.0
    fail_after: int = 0
    _count: int = 0
    _served: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self) -> int | None:
        with self._lock:
            self._served += 1
            if self.fail_after and self._served > self.fail_after:
                return 500
            if not self.every:
                return None
            self._count += 1
            return self.status if self._count % self.every == 0 else None

    def reset(self) -> None:
        with self._lock:
            self.every, self.status, self.mode, self.fail_after = 0, 429, "status", 0
            self._count = self._served = 0


class VendorHandler(BaseHTTPRequestHandler):
    server_version = "DemoVendor/1.0"
    faults: Faults

    def log_message(self, fmt, *args):  # quiet: the demo prints its own progress
        pass

    _truncate = False

    def _send(self, status: int, payload: object, headers: dict | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self._truncate:  # a page cut off mid-body: the client sees an incomplete read
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.wfile.write(body)

    def _fault(self) -> bool:
        status = self.faults.next_fault()
        if status is None:
            return False
        if status == 500 and self.faults.fail_after:
            self._send(500, {"error": "source down"})
            return True
        if self.faults.mode == "slow":  # a slow source: answer, but late
            time.sleep(self.faults.delay)
            return False
        if self.faults.mode == "timeout":
            time.sleep(self.faults.delay)  # the client gives up first; then drop the connection
            self.close_connection = True
            return True
        if self.faults.mode == "truncate":
            self._truncate = True
            return False
        headers = {"Retry-After": str(self.faults.retry_after)} if status == 429 else {}
        self._send(status, {"error": "injected fault"}, headers)
        return True

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}") if length else {}


class BambooHRHandler(VendorHandler):
    """`/api/gateway.php/{company}/v1/...`"""

    api_key: str
    employees: list[dict]
    tables: dict[str, dict[str, dict]]  # table name -> employee id -> {lastChanged, rows}

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user = base64.b64decode(header[6:]).decode(errors="replace").split(":", 1)[0]
            if user == self.api_key:
                return True
        self._send(401, {"error": "Unauthorized"}, {"WWW-Authenticate": 'Basic realm="BambooHR"'})
        return False

    def _route(self) -> str | None:
        parts = urlparse(self.path).path.strip("/").split("/")
        if len(parts) < 4 or parts[:2] != ["api", "gateway.php"] or parts[3] != "v1":
            self._send(404, {"error": "Not found"})
            return None
        return "/".join(parts[4:])

    def do_POST(self):
        route = self._route()
        if route is None or not self._authorised() or self._fault():
            return
        if route != "reports/custom":
            return self._send(404, {"error": "Not found"})
        fields = self._body().get("fields") or []
        if not fields:
            return self._send(400, {"error": "fields is required"})
        rows = [{"id": e.get("id"), **{f: e.get(f) for f in fields}} for e in self.employees]
        self._send(200, {"title": "Custom report", "fields": [{"id": f, "name": f} for f in fields], "employees": rows})

    def do_GET(self):
        route = self._route()
        if route is None or not self._authorised() or self._fault():
            return
        prefix = "employees/changed/tables/"
        table = route.removeprefix(prefix)
        if not route.startswith(prefix) or table not in self.tables:
            return self._send(404, {"error": "Not found"})
        since_text = parse_qs(urlparse(self.path).query).get("since", [None])[0]
        if not since_text:
            return self._send(400, {"error": "since is required"})
        try:
            since = datetime.fromisoformat(since_text.replace("Z", "+00:00"))
        except ValueError:
            return self._send(400, {"error": "since must be ISO 8601"})
        changed = {
            emp_id: rows
            for emp_id, rows in self.tables[table].items()
            if datetime.fromisoformat(rows["lastChanged"]) > since
        }
        self._send(200, {"employees": changed})


class LatticeHandler(VendorHandler):
    """`/v1/{users,competencies,reviewCycles,reviews}` with cursor paging."""

    token: str
    collections: dict[str, list[dict]]
    max_limit = 100

    def do_GET(self):
        if self.headers.get("Authorization", "") != f"Bearer {self.token}":
            return self._send(401, {"error": {"type": "unauthorized", "message": "Invalid API token"}})
        if self._fault():
            return
        url = urlparse(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "v1" or parts[1] not in self.collections:
            return self._send(404, {"error": {"type": "not_found", "message": "Unknown resource"}})
        query = parse_qs(url.query)
        try:
            limit = int(query.get("limit", ["25"])[0])
        except ValueError:
            return self._send(400, {"error": {"type": "invalid_request", "message": "limit must be an integer"}})
        limit = max(1, min(limit, self.max_limit))
        items = self.collections[parts[1]]
        start = 0
        after = query.get("startingAfter", [None])[0]
        if after:
            positions = self.positions[parts[1]]
            if after not in positions:
                return self._send(400, {"error": {"type": "invalid_request", "message": "Unknown cursor"}})
            start = positions[after] + 1
        page = items[start : start + limit]
        has_more = start + limit < len(items)
        self._send(
            200, {"object": "list", "data": page, "hasMore": has_more, "endingCursor": page[-1]["id"] if page else None}
        )


def _docebo_time(text) -> datetime | None:
    try:
        return datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def docebo_enrollment_updated_since(item: dict, since: datetime) -> bool:
    """Docebo's `updated_from` on enrolments. The demo records carry no update time, so the
    emulator takes the latest change it can see in the record (the enrolment or the
    completion) as the time Docebo would have stamped; a record that changes in a test gets
    a new completion date, and so a new update time."""
    stamps = [_docebo_time(item.get(key)) for key in ("enrollment_date", "enrollment_completion_date")]
    stamps = [stamp for stamp in stamps if stamp is not None]
    return not stamps or max(stamps) >= since


class DoceboHandler(VendorHandler):
    """Docebo: `POST /oauth2/token` (client credentials), then bearer-token lists paged with
    `page` (1-based) and `page_size`, answered under `data` with `items` and `has_more_data`.
    Enrolments honour `updated_from` (`YYYY-MM-DD HH:MM:SS`, UTC, inclusive)."""

    client_id: str
    client_secret: str
    collections: dict[str, list[dict]]
    tokens: set[str]
    max_page_size = 200
    routes = {
        "manage/v1/user": "users",
        "learn/v1/courses": "courses",
        "learn/v1/enrollments": "enrollments",
        "learningplan/v1/learningplans": "learningplans",
        "learn/v1/external_training": "external_training",
    }
    updated_filters = {"enrollments": staticmethod(docebo_enrollment_updated_since)}

    def do_POST(self):
        if urlparse(self.path).path.strip("/") != "oauth2/token":
            return self._send(404, {"message": "Not found"})
        if self._fault():
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return self._send(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return self._send(
                401, {"error": "invalid_client", "error_description": "The client credentials are invalid"}
            )
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        self._send(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer", "scope": "api"})

    def do_GET(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.tokens:
            return self._send(401, {"name": "Unauthorized", "message": "Invalid or expired access token"})
        if self._fault():
            return
        url = urlparse(self.path)
        name = self.routes.get(url.path.strip("/"))
        if name is None:
            return self._send(404, {"message": "Not found"})
        query = parse_qs(url.query)
        try:
            page = max(1, int(query.get("page", ["1"])[0]))
            size = max(1, min(int(query.get("page_size", ["20"])[0]), self.max_page_size))
        except ValueError:
            return self._send(400, {"message": "page and page_size must be integers"})
        items = self.collections[name]
        updated_from = query.get("updated_from", [None])[0]
        if updated_from is not None:
            if name not in self.updated_filters:
                return self._send(400, {"message": "updated_from is not supported on this endpoint"})
            try:
                since = datetime.strptime(updated_from, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                return self._send(400, {"message": "updated_from must be YYYY-MM-DD HH:MM:SS (UTC)"})
            items = [item for item in items if self.updated_filters[name](item, since)]
        chunk = items[(page - 1) * size : page * size]
        self._send(
            200,
            {
                "data": {
                    "items": chunk,
                    "count": len(chunk),
                    "has_more_data": page * size < len(items),
                    "current_page": page,
                    "current_page_size": size,
                    "total_page_count": -(-len(items) // size),
                    "total_count": len(items),
                },
                "version": "1.0.0",
                "_links": [],
            },
        )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _within(text, start: datetime | None = None, end: datetime | None = None) -> bool:
    """A record time inside [start, end]; a time that cannot be read is always inside, so
    the client sees (and quarantines) the record."""
    try:
        when = _aware(datetime.fromisoformat(str(text).replace("Z", "+00:00")))
    except ValueError:
        return True
    return (start is None or start <= when) and (end is None or when <= end)


class FifteenFiveHandler(VendorHandler):
    """15Five: `Authorization: Bearer <key>`, Django REST framework paging (`page`,
    `page_size`), answered `{"count", "next", "previous", "results"}` with absolute URLs.
    `/report/` honours `created_on_start` / `created_on_end` (ISO 8601, inclusive), on the
    check-in's submission time; `next` links keep the filter."""

    api_key: str
    collections: dict[str, list[dict]]
    max_page_size = 100

    def do_GET(self):
        if self.headers.get("Authorization", "") != f"Bearer {self.api_key}":
            return self._send(401, {"detail": "Invalid token."})
        if self._fault():
            return
        url = urlparse(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 3 or parts[:2] != ["api", "public"] or parts[2] not in self.collections:
            return self._send(404, {"detail": "Not found."})
        query = parse_qs(url.query)
        try:
            page = int(query.get("page", ["1"])[0])
            size = max(1, min(int(query.get("page_size", ["20"])[0]), self.max_page_size))
        except ValueError:
            return self._send(404, {"detail": "Invalid page."})
        items = self.collections[parts[2]]
        bounds = {}
        for param in ("created_on_start", "created_on_end"):
            if param in query:
                try:
                    bounds[param] = _aware(datetime.fromisoformat(query[param][0].replace("Z", "+00:00")))
                except ValueError:
                    return self._send(400, {param: ["Enter a valid date/time."]})
        if bounds:
            if parts[2] != "report":
                return self._send(400, {"detail": "created_on filters are emulated on /report/ only."})
            start, end = bounds.get("created_on_start"), bounds.get("created_on_end")
            items = [item for item in items if _within(item.get("submit_ts"), start, end)]
        if page < 1 or (page - 1) * size >= max(len(items), 1):
            return self._send(404, {"detail": "Invalid page."})
        host = f"http://{self.headers.get('Host')}"

        extra = "".join(f"&{k}={quote(v[0])}" for k, v in query.items() if k in ("created_on_start", "created_on_end"))

        def link(number: int) -> str:
            return f"{host}/api/public/{parts[2]}/?page={number}&page_size={size}{extra}"

        more = page * size < len(items)
        self._send(
            200,
            {
                "count": len(items),
                "next": link(page + 1) if more else None,
                "previous": link(page - 1) if page > 1 else None,
                "results": items[(page - 1) * size : page * size],
            },
        )


class WorkdayHandler(VendorHandler):
    """Workday RaaS: `GET /ccx/service/customreport2/{tenant}/{owner}/{report}?format=json`,
    HTTP basic auth (an integration system user), the whole report in `Report_Entry`.
    The `As_Of_Date` prompt selects a snapshot; without it, the latest."""

    username: str
    password: str
    path_prefix: str
    snapshots: dict[str, list[dict]]

    def do_GET(self):
        header = self.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if header != expected:
            return self._send(401, {"error": "invalid username or password"})
        if self._fault():
            return
        url = urlparse(self.path)
        if url.path.rstrip("/") != self.path_prefix:
            return self._send(404, {"error": "report not found"})
        query = parse_qs(url.query)
        if query.get("format", [""])[0] != "json":
            return self._send(400, {"error": "only format=json is emulated"})
        as_of = query.get("As_Of_Date", [max(self.snapshots)])[0]
        if as_of not in self.snapshots:
            return self._send(400, {"error": f"no data as of {as_of}"})
        self._send(200, {"Report_Entry": self.snapshots[as_of]})


class CultureAmpHandler(VendorHandler):
    """Culture Amp: OAuth2 client credentials at `POST /v1/oauth2/token`, then bearer-token
    lists `GET /v1/{employees,performance-cycles,manager-reviews}?limit=&cursor=` answered
    `{"data": [...], "pagination": {"nextCursor": <opaque> | null}}`. Manager reviews honour
    `after_date` (ISO 8601, inclusive), on the review's `submittedAt`."""

    dated = {"manager-reviews": "submittedAt"}

    client_id: str
    client_secret: str
    collections: dict[str, list[dict]]
    tokens: set[str]
    max_limit = 100

    def do_POST(self):
        if urlparse(self.path).path.strip("/") != "v1/oauth2/token":
            return self._send(404, {"message": "Not found"})
        if self._fault():
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return self._send(401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        self._send(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def do_GET(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.tokens:
            return self._send(401, {"message": "Unauthorized"})
        if self._fault():
            return
        url = urlparse(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "v1" or parts[1] not in self.collections:
            return self._send(404, {"message": "Not found"})
        query = parse_qs(url.query)
        try:
            limit = max(1, min(int(query.get("limit", ["50"])[0]), self.max_limit))
            cursor = query.get("cursor", [""])[0]
            start = int(base64.urlsafe_b64decode(cursor.encode()).decode()) if cursor else 0
        except ValueError:
            return self._send(400, {"message": "Invalid cursor"})
        items = self.collections[parts[1]]
        after = query.get("after_date", [None])[0]
        if after is not None:
            if parts[1] not in self.dated:
                return self._send(400, {"message": "after_date is not supported on this resource"})
            try:
                since = _aware(datetime.fromisoformat(after.replace("Z", "+00:00")))
            except ValueError:
                return self._send(400, {"message": "after_date must be an ISO 8601 date-time"})
            field_name = self.dated[parts[1]]
            items = [item for item in items if _within(item.get(field_name), since)]
        end = start + limit
        next_cursor = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
        self._send(200, {"data": items[start:end], "pagination": {"nextCursor": next_cursor}})


def make_culture_amp_server(
    data: dict,
    *,
    client_id: str,
    client_secret: str,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
) -> ThreadingHTTPServer:
    attrs = {
        "client_id": client_id,
        "client_secret": client_secret,
        "collections": data["culture_amp"],
        "tokens": set(),
        "faults": faults or Faults(),
    }
    return ThreadingHTTPServer((host, port), type("CultureAmp", (CultureAmpHandler,), attrs))


def make_fifteen_five_server(
    data: dict, *, api_key: str, host: str = "127.0.0.1", port: int = 0, faults: Faults | None = None
) -> ThreadingHTTPServer:
    attrs = {"api_key": api_key, "collections": data["fifteen_five"], "faults": faults or Faults()}
    return ThreadingHTTPServer((host, port), type("FifteenFive", (FifteenFiveHandler,), attrs))


def make_workday_server(
    data: dict,
    *,
    username: str,
    password: str,
    report_path: str,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
) -> ThreadingHTTPServer:
    attrs = {
        "username": username,
        "password": password,
        "path_prefix": report_path.rstrip("/"),
        "snapshots": data["workday"],
        "faults": faults or Faults(),
    }
    return ThreadingHTTPServer((host, port), type("Workday", (WorkdayHandler,), attrs))


def load_demo(folder: Path) -> dict:
    return {
        "employees": json.loads((folder / "bamboohr_employees.json").read_text()),
        "job_info": json.loads((folder / "bamboohr_job_info.json").read_text()),
        "employment_status": json.loads((folder / "bamboohr_employment_status.json").read_text()),
        "lattice": json.loads((folder / "lattice.json").read_text()),
        "docebo": json.loads((folder / "docebo.json").read_text()),
        "fifteen_five": json.loads((folder / "fifteen_five.json").read_text()),
        "workday": json.loads((folder / "workday.json").read_text()),
        "culture_amp": json.loads((folder / "culture_amp.json").read_text()),
    }


def make_docebo_server(
    data: dict,
    *,
    client_id: str,
    client_secret: str,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
) -> ThreadingHTTPServer:
    handler = type(
        "Docebo",
        (DoceboHandler,),
        {
            "client_id": client_id,
            "client_secret": client_secret,
            "collections": data["docebo"],
            "tokens": set(),
            "faults": faults or Faults(),
        },
    )
    return ThreadingHTTPServer((host, port), handler)


def make_servers(
    data: dict,
    *,
    bamboohr_key: str,
    lattice_token: str,
    host: str = "127.0.0.1",
    bamboohr_port: int = 0,
    lattice_port: int = 0,
    faults: Faults | None = None,
) -> tuple[ThreadingHTTPServer, ThreadingHTTPServer]:
    faults = faults or Faults()
    bamboo = type(
        "BambooHR",
        (BambooHRHandler,),
        {
            "api_key": bamboohr_key,
            "employees": data["employees"],
            "tables": {"jobInfo": data["job_info"], "employmentStatus": data.get("employment_status", {})},
            "faults": faults,
        },
    )
    collections = data["lattice"]
    lattice = type(
        "Lattice",
        (LatticeHandler,),
        {
            "token": lattice_token,
            "collections": collections,
            "faults": faults,
            "positions": {name: {item["id"]: i for i, item in enumerate(items)} for name, items in collections.items()},
        },
    )
    return (ThreadingHTTPServer((host, bamboohr_port), bamboo), ThreadingHTTPServer((host, lattice_port), lattice))


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/demo"))
    parser.add_argument("--bamboohr-port", type=int, default=int(os.environ.get("BAMBOOHR_EMULATOR_PORT", 8101)))
    parser.add_argument("--lattice-port", type=int, default=int(os.environ.get("LATTICE_EMULATOR_PORT", 8102)))
    parser.add_argument("--docebo-port", type=int, default=int(os.environ.get("DOCEBO_EMULATOR_PORT", 8103)))
    parser.add_argument(
        "--fifteen-five-port", type=int, default=int(os.environ.get("FIFTEEN_FIVE_EMULATOR_PORT", 8104))
    )
    parser.add_argument("--workday-port", type=int, default=int(os.environ.get("WORKDAY_EMULATOR_PORT", 8105)))
    parser.add_argument("--culture-amp-port", type=int, default=int(os.environ.get("CULTURE_AMP_EMULATOR_PORT", 8106)))
    args = parser.parse_args()
    for name in (
        "BAMBOOHR_API_KEY",
        "LATTICE_API_TOKEN",
        "DOCEBO_CLIENT_ID",
        "DOCEBO_CLIENT_SECRET",
        "FIFTEEN_FIVE_API_KEY",
        "WORKDAY_USERNAME",
        "WORKDAY_PASSWORD",
        "CULTURE_AMP_CLIENT_ID",
        "CULTURE_AMP_CLIENT_SECRET",
    ):
        if not os.environ.get(name):
            parser.error(f"{name} must be set in the environment")
    data = load_demo(args.data)
    bamboo, lattice = make_servers(
        data,
        bamboohr_key=os.environ["BAMBOOHR_API_KEY"],
        lattice_token=os.environ["LATTICE_API_TOKEN"],
        bamboohr_port=args.bamboohr_port,
        lattice_port=args.lattice_port,
    )
    docebo = make_docebo_server(
        data,
        client_id=os.environ["DOCEBO_CLIENT_ID"],
        client_secret=os.environ["DOCEBO_CLIENT_SECRET"],
        port=args.docebo_port,
    )
    fifteen_five = make_fifteen_five_server(
        data, api_key=os.environ["FIFTEEN_FIVE_API_KEY"], port=args.fifteen_five_port
    )
    workday = make_workday_server(
        data,
        username=os.environ["WORKDAY_USERNAME"],
        password=os.environ["WORKDAY_PASSWORD"],
        report_path=WORKDAY_REPORT_PATH,
        port=args.workday_port,
    )
    culture_amp = make_culture_amp_server(
        data,
        client_id=os.environ["CULTURE_AMP_CLIENT_ID"],
        client_secret=os.environ["CULTURE_AMP_CLIENT_SECRET"],
        port=args.culture_amp_port,
    )
    servers = (bamboo, lattice, docebo, fifteen_five, workday, culture_amp)
    for server in servers:
        serve_in_thread(server)
    print(f"BambooHR emulator on http://127.0.0.1:{bamboo.server_port}/api/gateway.php/northwind/v1", flush=True)
    print(f"Lattice emulator on http://127.0.0.1:{lattice.server_port}/v1", flush=True)
    print(f"Docebo emulator on http://127.0.0.1:{docebo.server_port}", flush=True)
    print(f"15Five emulator on http://127.0.0.1:{fifteen_five.server_port}/api/public", flush=True)
    print(f"Culture Amp emulator on http://127.0.0.1:{culture_amp.server_port}/v1", flush=True)
    print(f"Workday emulator on http://127.0.0.1:{workday.server_port}{WORKDAY_REPORT_PATH}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
