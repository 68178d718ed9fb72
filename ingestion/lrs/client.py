"""Talking to an xAPI LRS: pages of a statements query, `more` links, single statements.

Every request carries `X-Experience-API-Version: 1.0.3` (answers tagged 1.0.x or 2.0.x are
both read) and HTTP basic auth, through dlt's retrying session (429 honouring
`Retry-After`, 5xx, timeouts and dropped connections, with exponential backoff; tuned by
`INGESTION_REQUEST_TIMEOUT_SECONDS`, `INGESTION_MAX_ATTEMPTS`, `INGESTION_BACKOFF_FACTOR`).

A page is a StatementResult: JSON, or multipart/mixed whose first part is the JSON
(the other parts are attachments: not kept; their metadata stays in the statements).
`more` is followed as the spec writes it (a path from the host root), as an absolute URL
or relative to the page, and paging ends on `""`, `null` or no `more` at all (ralph).
What cannot be read as a page (not JSON, no `statements` list) or followed as a link
(not a string, another host, a page already read) is returned as a problem on the page;
the caller decides what it means for the load.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from ingestion.errors import raise_for_source
from ingestion.http import retrying_session
from ingestion.lrs.xapi import parse_timestamp

SOURCE = "lrs"
XAPI_VERSION = "1.0.3"
READABLE_VERSIONS = ("1.0", "2.0")
HEADERS = {"X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json, multipart/mixed"}
log = logging.getLogger("ingestion.lrs")


@dataclass
class Page:
    number: int
    statements: list | None  # None when the answer is not a StatementResult
    problem: str | None = None  # why the answer is not a StatementResult
    stop: str | None = None  # why paging ends after this (readable) page although `more` was given
    consistent_through: datetime | None = None


def _snippet(body: bytes) -> str:
    text = body[:60].decode("utf-8", "replace")
    return json.dumps("".join(ch if ch.isprintable() else " " for ch in text))


def _json(body: bytes) -> Any:
    # NaN and Infinity are not JSON: kept as the strings they are, not as floats.
    return json.loads(body, parse_constant=str)


def read_body(response: requests.Response) -> tuple[Any, str | None]:
    """The JSON an answer carries (the first part of a multipart answer), or a problem."""
    content_type = response.headers.get("Content-Type", "")
    body = response.content
    if content_type.lower().startswith("multipart/"):
        message = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body
        )
        parts = list(message.iter_parts()) if message.is_multipart() else []
        if not parts:
            return None, f"a multipart answer without parts ({len(body)} bytes)"
        body = parts[0].get_payload(decode=True) or b""
        log.debug("lrs: multipart answer with %d attachment part(s), not kept", len(parts) - 1)
    try:
        return _json(body), None
    except (ValueError, RecursionError):
        return None, f"not JSON (Content-Type {content_type or 'none'}, {len(body)} bytes: {_snippet(body)})"


def statement_result(response: requests.Response) -> tuple[dict | None, str | None]:
    document, problem = read_body(response)
    if problem:
        return None, problem
    if not isinstance(document, dict) or not isinstance(document.get("statements"), list):
        return None, "not an xAPI StatementResult: no 'statements' list"
    return document, None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class LrsClient:
    def __init__(self, url: str, username: str, password: str, session: requests.Session | None = None) -> None:
        self.root = url.rstrip("/") + "/"
        self.endpoint = urljoin(self.root, "xAPI/statements")
        self.auth = (username, password)
        self.session = session or retrying_session()
        self._versions_warned: set[str] = set()

    def _get(self, url: str, params: dict | None = None) -> requests.Response:
        response = self.session.get(url, params=params, headers=HEADERS, auth=self.auth)
        version = response.headers.get("X-Experience-API-Version")
        if version and not version.startswith(READABLE_VERSIONS) and version not in self._versions_warned:
            self._versions_warned.add(version)
            log.warning("lrs: the LRS answers with xAPI version %s; this connector reads 1.0.x and 2.0.x", version)
        return response

    def pages(self, params: dict) -> Iterator[Page]:
        """The pages of one statements query, following `more` until the LRS sends none."""
        url: str | None = self.endpoint
        query: dict | None = params
        seen: set[str] = set()
        number = 0
        while url:
            number += 1
            response = self._get(url, query)
            raise_for_source(SOURCE, response)
            seen.add(response.url)
            consistent = self._consistent_through(response)
            document, problem = statement_result(response)
            if problem:
                yield Page(number, None, problem=problem, consistent_through=consistent)
                return
            url, stop = self._next(response.url, document.get("more"), seen)
            yield Page(number, document["statements"], stop=stop, consistent_through=consistent)
            query = None  # a `more` link carries the query

    def _next(self, page_url: str, more: Any, seen: set[str]) -> tuple[str | None, str | None]:
        if more is None or more == "":
            return None, None
        if not isinstance(more, str):
            return None, f"the 'more' link is not a string ({type(more).__name__})"
        following = urljoin(page_url, more)
        if _origin(following) != _origin(self.endpoint):
            scheme, host, port = _origin(following)
            return None, f"the 'more' link leaves the LRS ({scheme}://{host}:{port}); not followed with its credentials"
        if following in seen:
            return None, "the 'more' link points to a page already read"
        return following, None

    @staticmethod
    def _consistent_through(response: requests.Response) -> datetime | None:
        header = response.headers.get("X-Experience-API-Consistent-Through")
        if not header:
            return None
        moment, problem, _ = parse_timestamp(header.strip())
        if problem:
            log.warning("lrs: ignoring an X-Experience-API-Consistent-Through that does not parse: %r", header[:60])
        return moment

    def statement(self, statement_id: str) -> dict | None:
        """One statement by id: `voidedStatementId` first (a voided statement answers only that),
        then `statementId` (LRSs that do not hide voided statements); None when neither finds it.
        The spec answers with the statement; ralph with a StatementResult (and ignores
        `voidedStatementId`), so the answer is searched for the id."""
        for key in ("voidedStatementId", "statementId"):
            response = self._get(self.endpoint, {key: statement_id, "format": "exact"})
            if response.status_code in (401, 403) or response.status_code >= 500:
                raise_for_source(SOURCE, response)
            if response.status_code != 200:
                continue
            document, problem = read_body(response)
            if problem or not isinstance(document, dict):
                continue
            candidates = document["statements"] if isinstance(document.get("statements"), list) else [document]
            for candidate in candidates:
                if isinstance(candidate, dict) and str(candidate.get("id", "")).lower() == statement_id.lower():
                    return candidate
        return None
