"""Local emulators of the vendor APIs the connectors read, serving the demo company.

Each emulator follows its vendor's documented shape: BambooHR (HTTP basic auth with the
API key as user name, `POST reports/custom`, `employees/changed/tables/jobInfo?since=`)
and Lattice (bearer token, `limit` + `startingAfter` paging answered with `hasMore` and
`endingCursor`). Both can inject faults on demand so connector tests can exercise
retries: every Nth request answered `429` with `Retry-After`, or `503`.

Run: `python -m demo.emulators --data data/demo` (keys from the environment:
`BAMBOOHR_API_KEY`, `LATTICE_API_TOKEN`). Binds to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


@dataclass
class Faults:
    """Fault injection: every `every`-th request gets `status` (0 = off)."""

    every: int = 0
    status: int = 429
    retry_after: int = 1
    _count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self) -> int | None:
        if not self.every:
            return None
        with self._lock:
            self._count += 1
            return self.status if self._count % self.every == 0 else None


class VendorHandler(BaseHTTPRequestHandler):
    server_version = "DemoVendor/1.0"
    faults: Faults

    def log_message(self, fmt, *args):  # quiet: the demo prints its own progress
        pass

    def _send(self, status: int, payload: object, headers: dict | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _fault(self) -> bool:
        status = self.faults.next_fault()
        if status is None:
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
    job_info: dict[str, dict]

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
        rows = [{"id": e["id"], **{f: e.get(f) for f in fields}} for e in self.employees]
        self._send(200, {"title": "Custom report", "fields": [{"id": f, "name": f} for f in fields], "employees": rows})

    def do_GET(self):
        route = self._route()
        if route is None or not self._authorised() or self._fault():
            return
        if route != "employees/changed/tables/jobInfo":
            return self._send(404, {"error": "Not found"})
        since_text = parse_qs(urlparse(self.path).query).get("since", [None])[0]
        if not since_text:
            return self._send(400, {"error": "since is required"})
        try:
            since = datetime.fromisoformat(since_text.replace("Z", "+00:00"))
        except ValueError:
            return self._send(400, {"error": "since must be ISO 8601"})
        changed = {
            emp_id: table
            for emp_id, table in self.job_info.items()
            if datetime.fromisoformat(table["lastChanged"]) > since
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


def load_demo(folder: Path) -> dict:
    return {
        "employees": json.loads((folder / "bamboohr_employees.json").read_text()),
        "job_info": json.loads((folder / "bamboohr_job_info.json").read_text()),
        "lattice": json.loads((folder / "lattice.json").read_text()),
    }


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
            "job_info": data["job_info"],
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
    args = parser.parse_args()
    for name in ("BAMBOOHR_API_KEY", "LATTICE_API_TOKEN"):
        if not os.environ.get(name):
            parser.error(f"{name} must be set in the environment")
    bamboo, lattice = make_servers(
        load_demo(args.data),
        bamboohr_key=os.environ["BAMBOOHR_API_KEY"],
        lattice_token=os.environ["LATTICE_API_TOKEN"],
        bamboohr_port=args.bamboohr_port,
        lattice_port=args.lattice_port,
    )
    for server in (bamboo, lattice):
        serve_in_thread(server)
    print(f"BambooHR emulator on http://127.0.0.1:{bamboo.server_port}/api/gateway.php/northwind/v1", flush=True)
    print(f"Lattice emulator on http://127.0.0.1:{lattice.server_port}/v1", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in (bamboo, lattice):
        server.shutdown()


if __name__ == "__main__":
    main()
