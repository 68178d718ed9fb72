"""HTTP pieces shared by the REST connectors, built on dlt's REST client.

dlt's client brings retries with exponential backoff for 429 and 5xx (honouring
`Retry-After`) and timeouts; these helpers add the two things every connector here
wants on top: errors that name the source without leaking credentials, and paginators
for the paging styles the vendors use.
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from dlt.sources.helpers.requests import Client
from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator, PageNumberPaginator

from ingestion.errors import raise_for_source


def source_hooks(source: str) -> dict[str, list]:
    """Response hooks for `RESTClient.paginate`: raise a named, secret-free error."""

    def check(response, *args: Any, **kwargs: Any) -> None:
        raise_for_source(source, response)

    return {"response": [check]}


class HasMoreCursorPaginator(JSONResponseCursorPaginator):
    """Cursor paging that stops on `hasMore: false` (Lattice: `endingCursor` + `hasMore`)."""

    def __init__(
        self, cursor_path: str = "endingCursor", cursor_param: str = "startingAfter", has_more_key: str = "hasMore"
    ) -> None:
        super().__init__(cursor_path=cursor_path, cursor_param=cursor_param)
        self.has_more_key = has_more_key

    def update_state(self, response, data=None) -> None:
        super().update_state(response, data)
        if not response.json().get(self.has_more_key):
            self._has_next_page = False


def retrying_session(env_prefix: str = "INGESTION"):
    """A requests session with dlt's retry policy (429 and 5xx honouring `Retry-After`,
    timeouts, dropped connections and cut-off bodies), tuned from the environment:
    `INGESTION_REQUEST_TIMEOUT_SECONDS` (60), `INGESTION_MAX_ATTEMPTS` (5) and
    `INGESTION_BACKOFF_FACTOR` (1). It never raises on status itself: the connectors'
    response hooks raise named errors."""
    return Client(
        raise_for_status=False,
        request_timeout=float(os.environ.get(f"{env_prefix}_REQUEST_TIMEOUT_SECONDS", "60")),
        request_max_attempts=int(os.environ.get(f"{env_prefix}_MAX_ATTEMPTS", "5")),
        request_backoff_factor=float(os.environ.get(f"{env_prefix}_BACKOFF_FACTOR", "1")),
    ).session


class HasMoreDataPaginator(PageNumberPaginator):
    """Docebo paging: `page` (1-based) and `page_size`, until `data.has_more_data` is false."""

    def __init__(self) -> None:
        super().__init__(base_page=1, page_param="page", total_path=None, has_more_path="data.has_more_data")


class NamedOAuth2ClientCredentials(OAuth2ClientCredentials):
    """dlt's client-credentials flow, with token errors that name the source (a 401 from
    the token endpoint is a `SourceAuthError`) and never echo the client secret."""

    source_name: str = "source"

    def obtain_token(self) -> None:
        response = self.session.post(self.access_token_url, **self.build_access_token_request())
        raise_for_source(self.source_name, response)
        payload = response.json()
        self.parse_native_representation(self.parse_access_token(payload))
        self.token_expiry = pendulum.now().add(seconds=self.parse_expiration_in_seconds(payload))


def oauth2_client_credentials(source: str, token_url: str, client_id: str, client_secret: str, session):
    auth = NamedOAuth2ClientCredentials(
        access_token_url=token_url, client_id=client_id, client_secret=client_secret, session=session
    )
    auth.source_name = source
    return auth
