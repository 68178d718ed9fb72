"""HTTP pieces shared by the REST connectors, built on dlt's REST client.

dlt's client brings retries with exponential backoff for 429 and 5xx (honouring
`Retry-After`) and timeouts; these helpers add the two things every connector here
wants on top: errors that name the source without leaking credentials, and paginators
for the paging styles the vendors use.
"""

from __future__ import annotations

from typing import Any

from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator, JSONResponseCursorPaginator

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


class XAPIMorePaginator(JSONLinkPaginator):
    """xAPI `more` links: relative IRLs; the spec sends "" on the last page, ralph omits it."""

    def __init__(self) -> None:
        super().__init__(next_url_path="more")

    def update_state(self, response, data=None) -> None:
        super().update_state(response, data)
        if not self._next_reference:
            self._next_reference = None
            self._has_next_page = False
