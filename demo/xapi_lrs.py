"""A small xAPI LRS that follows the spec where ralph does not, for tests and the demo.

It serves `GET /xAPI/statements` (xAPI 1.0.3 / 2.0 communication, section "Statement
Resource") on 127.0.0.1 in a thread, with HTTP basic auth:

- `since` / `until` filter on `stored` (since exclusive, until inclusive), `limit` (capped
  by `max_limit`), `ascending`, `format` (`exact`; `ids` and `canonical` are answered as
  `exact`), `attachments=true` (multipart/mixed: the StatementResult first, then each
  attachment with `X-Experience-API-Hash`), `statementId` and `voidedStatementId`;
- voided statements are left out of list answers (the voiding statement is served) and
  answer only `voidedStatementId`;
- every answer carries `X-Experience-API-Version` and `X-Experience-API-Consistent-Through`;
  a request without `X-Experience-API-Version` is refused with 400, as the spec says;
- `more` is a relative path (the spec's form), an absolute URL, or a path relative to the
  statements endpoint; on the last page it is `""` (spec), left out (ralph) or `null`.

It stores whatever it is fed, verbatim (`XapiLrs.add` or `POST /xAPI/statements`):
SubStatements, statements without ids, naive or unparseable timestamps, `null`, strings,
because real LRSs hold such data. It only adds `stored` (and `authority` when missing)
to objects. `LrsOptions` switches on what other LRSs do: ralph's `since` on `timestamp`
(statements whose timestamp does not parse never match), no `more` on the last page,
multipart answers nobody asked for, 429/503 answers, a broken page, a `more` link to
another host.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
AUTHORITY = {"objectType": "Agent", "name": "xapi-lrs emulator", "mbox": "mailto:lrs@emulator.example"}


@dataclass
class LrsOptions:
    # `more` as: relative (/xAPI/statements?more=..), absolute (http://host:port/..), endpoint (statements?more=..)
    more: str = "relative"
    last_more: str = "empty"  # empty ("" as the spec says) | missing (ralph) | null
    since_on: str = "stored"  # stored (spec) | timestamp (ralph: statements whose timestamp does not parse never match)
    max_limit: int = 100
    version: str = "1.0.3"  # the X-Experience-API-Version the answers carry
    consistent_through: datetime | None | str = "now"  # "now", a fixed time, or None for no header
    multipart: bool = False  # answer multipart/mixed even when attachments were not asked for
    hide_voided: bool = True  # the spec: voided statements only answer voidedStatementId
    faults: list[int] = field(default_factory=list)  # statuses for the next requests (429 gets Retry-After)
    retry_after: int = 1
    broken_page: int = 0  # page number (1-based, in any query) answered with `broken_body`
    broken_body: bytes = b"<html><body>Gateway error</body></html>"
    foreign_more: bool = False  # `more` links point at another host


@dataclass
class _Stored:
    seq: int
    stored: datetime
    value: Any


class XapiLrs:
    """The emulator: `add` statements, `start()`, read `url`, `stop()`."""

    def __init__(self, username: str = "lrs", password: str | None = None, options: LrsOptions | None = None):
        self.username = username
        self.password = password or secrets.token_urlsafe(12)
        self.options = options or LrsOptions()
        self.attachments: dict[str, tuple[str, bytes]] = {}  # sha2 -> (content type, bytes)
        self.requests: list[dict] = []  # what each GET asked (path, query, headers), for tests
        self.faults_served = 0
        self._entries: list[_Stored] = []
        self._lock = threading.Lock()
        self._clock = datetime(2020, 1, 1, tzinfo=UTC)
        self._server: ThreadingHTTPServer | None = None

    # --- filling ---------------------------------------------------------------------

    def add(self, *values: Any, stored: datetime | None = None) -> list[Any]:
        """Store each value as it is; objects get `stored` (now, or `stored`) and an authority."""
        kept = []
        with self._lock:
            for value in values:
                moment = stored or self._now()
                if isinstance(value, dict):
                    value = {**value, "stored": _iso(moment)}
                    value.setdefault("authority", AUTHORITY)
                self._entries.append(_Stored(len(self._entries), moment, value))
                kept.append(value)
        return kept

    def add_attachment(self, content: bytes, content_type: str = "text/plain") -> str:
        sha2 = hashlib.sha256(content).hexdigest()
        self.attachments[sha2] = (content_type, content)
        return sha2

    def _now(self) -> datetime:
        # A strictly increasing clock, so `stored` orders statements like arrival does.
        now = datetime.now(UTC)
        self._clock = max(now, self._clock + timedelta(microseconds=1))
        return self._clock

    # --- serving ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the emulator first"
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> XapiLrs:
        lrs = self

        class Handler(_Handler):
            emulator = lrs

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> XapiLrs:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- queries -------------------------------------------------------------------------

    def _voided_ids(self) -> set[str]:
        voided = set()
        for entry in self._entries:
            value = entry.value
            if (
                isinstance(value, dict)
                and isinstance(value.get("verb"), dict)
                and value["verb"].get("id") == VOIDED
                and isinstance(value.get("object"), dict)
                and value["object"].get("objectType") == "StatementRef"
                and isinstance(value["object"].get("id"), str)
            ):
                voided.add(value["object"]["id"].lower())
        return voided

    def _by_id(self, statement_id: str, voided: bool) -> Any:
        """statementId / voidedStatementId: a voided statement answers only the latter."""
        target = statement_id.lower()
        with self._lock:
            is_voided = target in self._voided_ids()
            for entry in self._entries:
                value = entry.value
                same = isinstance(value, dict) and str(value.get("id", "")).lower() == target
                if same and (not self.options.hide_voided or is_voided == voided):
                    return value
        return None

    def _select(self, query: dict[str, str], upto: int) -> list[_Stored]:
        since = _parse(query["since"]) if "since" in query else None
        until = _parse(query["until"]) if "until" in query else None
        with self._lock:
            hidden = self._voided_ids() if self.options.hide_voided else set()
            chosen = []
            for entry in self._entries[: upto + 1]:
                value = entry.value
                if isinstance(value, dict) and str(value.get("id", "")).lower() in hidden:
                    continue
                if since or until:
                    moment = entry.stored if self.options.since_on == "stored" else _statement_time(value)
                    if moment is None or (since and moment <= since) or (until and moment > until):
                        continue
                chosen.append(entry)
        ascending = query.get("ascending", "false").lower() == "true"
        chosen.sort(key=lambda entry: (entry.stored, entry.seq), reverse=not ascending)
        return chosen


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _statement_time(value: Any) -> datetime | None:
    """ralph's reading of `timestamp`: Python's ISO parser; anything else never matches."""
    if not isinstance(value, dict):
        return None
    try:
        moment = datetime.fromisoformat(value.get("timestamp"))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


class _Handler(BaseHTTPRequestHandler):
    emulator: XapiLrs
    server_version = "xapi-lrs-emulator/1.0"

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet
        pass

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{self.emulator.username}:{self.emulator.password}".encode()).decode()
        if self.headers.get("Authorization") == f"Basic {expected}":
            return True
        self._send(401, {"error": "unauthorised"}, {"WWW-Authenticate": 'Basic realm="xAPI"'})
        return False

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        options = self.emulator.options
        self.send_header("X-Experience-API-Version", options.version)
        consistent = options.consistent_through
        if consistent is not None:
            moment = datetime.now(UTC) if consistent == "now" else consistent
            self.send_header("X-Experience-API-Consistent-Through", _iso(moment))
        headers = {"Content-Type": "application/json", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _fault(self) -> bool:
        options = self.emulator.options
        with self.emulator._lock:
            status = options.faults.pop(0) if options.faults else None
        if status is None:
            return False
        self.emulator.faults_served += 1
        self._send(status, {"error": "try again"}, {"Retry-After": str(options.retry_after)} if status == 429 else {})
        return True

    def do_POST(self) -> None:
        if urlparse(self.path).path.rstrip("/") != "/xAPI/statements":
            self._send(404, {"error": "not found"})
            return
        if not self._authorised():
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
        values = body if isinstance(body, list) else [body]
        kept = self.emulator.add(*values)
        self._send(200, [value.get("id") if isinstance(value, dict) else None for value in kept])

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        if parsed.path.rstrip("/") != "/xAPI/statements":
            self._send(404, {"error": "not found"})
            return
        query = {key: values[-1] for key, values in parse_qs(parsed.query, keep_blank_values=True).items()}
        self.emulator.requests.append({"path": parsed.path, "query": dict(query), "headers": dict(self.headers)})
        if not self._authorised() or self._fault():
            return
        if not self.headers.get("X-Experience-API-Version"):
            self._send(400, {"error": "X-Experience-API-Version header missing"})
            return
        for key, voided in (("statementId", False), ("voidedStatementId", True)):
            if key in query:
                found = self.emulator._by_id(query[key], voided)
                self._send(200, found) if found is not None else self._send(404, {"error": "no such statement"})
                return
        self._statements(query)

    def _statements(self, query: dict[str, str]) -> None:
        emulator, options = self.emulator, self.emulator.options
        if "more" in query:
            state = json.loads(base64.urlsafe_b64decode(query["more"]))
            query, offset, upto, page = state["q"], state["o"], state["u"], state["p"]
        else:
            offset, upto, page = 0, len(emulator._entries) - 1, 1
        if options.broken_page and page == options.broken_page:
            self._send(200, None, {"Content-Type": "text/html"}, raw=options.broken_body)
            return
        try:
            chosen = emulator._select(query, upto)
            asked = int(query.get("limit") or 0)
        except ValueError as error:
            self._send(400, {"error": str(error)})
            return
        limit = min(asked, options.max_limit) if asked > 0 else options.max_limit
        statements = [entry.value for entry in chosen[offset : offset + limit]]
        result: dict[str, Any] = {"statements": statements}
        if offset + limit < len(chosen):
            token = base64.urlsafe_b64encode(
                json.dumps({"q": query, "o": offset + limit, "u": upto, "p": page + 1}).encode()
            ).decode()
            path = "/xAPI/statements?" + urlencode({"more": token})
            if options.foreign_more:
                result["more"] = "http://lrs.elsewhere.example" + path
            elif options.more == "absolute":
                result["more"] = self.emulator.url + path
            elif options.more == "endpoint":
                result["more"] = "statements?" + urlencode({"more": token})
            else:
                result["more"] = path
        elif options.last_more == "empty":
            result["more"] = ""
        elif options.last_more == "null":
            result["more"] = None
        if options.multipart or query.get("attachments", "false").lower() == "true":
            self._multipart(result)
        else:
            self._send(200, result)

    def _multipart(self, result: dict) -> None:
        boundary = uuid.uuid4().hex
        chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json.dumps(result).encode()]
        chunks.append(b"\r\n")
        for statement in result["statements"]:
            attachments = statement.get("attachments") if isinstance(statement, dict) else None
            for attachment in attachments if isinstance(attachments, list) else []:
                sha2 = attachment.get("sha2") if isinstance(attachment, dict) else None
                if sha2 in self.emulator.attachments:
                    content_type, content = self.emulator.attachments[sha2]
                    chunks += [
                        f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                        f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
                        content,
                        b"\r\n",
                    ]
        chunks.append(f"--{boundary}--\r\n".encode())
        self._send(200, None, {"Content-Type": f"multipart/mixed; boundary={boundary}"}, raw=b"".join(chunks))
