"""Errors a connector raises: they name the source and never carry credentials."""

from __future__ import annotations


class SourceError(RuntimeError):
    """A source could not be read; the message names the source and the cause."""


class SourceAuthError(SourceError):
    """The source rejected the credentials (HTTP 401/403)."""


class SourceConfigError(SourceError):
    """A required setting is missing from the environment."""


def require_env(source: str, name: str, value: str | None) -> str:
    if not value:
        raise SourceConfigError(f"{source}: {name} is not set; export it or add it to .env")
    return value


def raise_for_source(source: str, response) -> None:
    """Turn an HTTP error into an error naming the source, without URL query or headers."""
    status = response.status_code
    if status < 400:
        return
    path = response.request.path_url.split("?", 1)[0] if response.request is not None else ""
    if status in (401, 403):
        raise SourceAuthError(f"{source}: authentication failed (HTTP {status}) on {path}; check the credentials")
    raise SourceError(f"{source}: HTTP {status} on {path}")
