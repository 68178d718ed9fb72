"""Errors a connector raises: they name the source and never carry credentials."""

from __future__ import annotations

import requests


class SourceError(Exception):
    """A source could not be read; the message names the source and the cause."""


class SourceConfigError(SourceError):
    """A required setting is missing from the environment."""


class SourceHTTPError(SourceError, requests.HTTPError):
    """The source answered with an HTTP error. Being an `HTTPError` that carries the
    response lets dlt's retry policy back off and retry 429 and 5xx answers."""


class SourceAuthError(SourceHTTPError):
    """The source rejected the credentials (HTTP 401/403)."""


def require_env(source: str, name: str, value: str | None) -> str:
    if not value:
        raise SourceConfigError(f"{source}: {name} is not set; export it or add it to .env")
    return value


def raise_for_source(source: str, response: requests.Response) -> None:
    """Turn an HTTP error into an error naming the source, without query string or headers."""
    status = response.status_code
    if status < 400:
        return
    path = response.request.path_url.split("?", 1)[0] if response.request is not None else ""
    if status in (401, 403):
        raise SourceAuthError(
            f"{source}: authentication failed (HTTP {status}) on {path}; check the credentials", response=response
        )
    raise SourceHTTPError(f"{source}: HTTP {status} on {path}", response=response)
