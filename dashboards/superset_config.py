"""Superset configuration for the learning-and-performance warehouse.

Loaded by Superset through ``SUPERSET_CONFIG_PATH`` (``dashboards/superset_ctl.py``
sets it). Everything that differs between machines comes from the environment:

- ``SUPERSET_SECRET_KEY`` (required): signs sessions and encrypts secrets stored in
  the metadata database. Superset refuses to start without it.
- ``SUPERSET_HOME`` (default ``<repo>/data/superset``): where the SQLite metadata
  database and logs live.
- ``SUPERSET_DATA_CACHE_TIMEOUT`` (seconds, default 300): how long chart results are
  cached in-process. The warehouse is a read-only serving copy replaced after each
  build, so results may lag a fresh build by at most this long.

The analytics database itself (the DuckDB serving copy) is not configured here: it is
an asset in ``dashboards/assets/databases/`` whose URI is rendered from
``SERVING_WAREHOUSE_PATH`` at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent

# --- secrets ---------------------------------------------------------------------
# Superset's own placeholder (superset.constants.CHANGE_ME_SECRET_KEY) is refused too.
_PLACEHOLDER_KEY = "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET"  # noqa: S105
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == _PLACEHOLDER_KEY:
    raise RuntimeError(
        "SUPERSET_SECRET_KEY is not set: refusing to start Superset. "
        "Set it to a long random string (e.g. `openssl rand -base64 42`) and keep it "
        "stable: it encrypts secrets in the metadata database."
    )

# --- metadata database -------------------------------------------------------------
SUPERSET_HOME = Path(os.environ.get("SUPERSET_HOME") or _REPO_ROOT / "data" / "superset")
SUPERSET_HOME.mkdir(parents=True, exist_ok=True)
DATA_DIR = str(SUPERSET_HOME)
SQLALCHEMY_DATABASE_URI = f"sqlite:///{SUPERSET_HOME / 'superset.db'}?check_same_thread=false"
# No example data is ever loaded (superset_ctl never runs `load-examples`).
WELCOME_PAGE_LAST_TAB = "all"
FILENAME = str(SUPERSET_HOME / "superset.log")

# --- features ------------------------------------------------------------------------
# Native dashboard filters are always on in Superset 6 (the old
# DASHBOARD_NATIVE_FILTERS flag is gone). Jinja templating in dataset SQL stays off:
# the dataset SQL is plain SQL kept in dashboards/assets/**.sql, and business rules
# belong in dbt models, not in dashboard SQL.
FEATURE_FLAGS = {
    "ENABLE_TEMPLATE_PROCESSING": False,
    "DRILL_TO_DETAIL": True,
    "DRILL_BY": True,
    "TAGGING_SYSTEM": False,
    "THUMBNAILS": False,
    "ALERT_REPORTS": False,
    "ENABLE_SUPERSET_META_DB": False,
    "ALLOW_ADHOC_SUBQUERY": False,
}

# The warehouse is read-only for Superset: no uploads, no DML from SQL Lab.
PREVENT_UNSAFE_DB_CONNECTIONS = True
# Imports must never fetch data from a URL (example datasets carry a `data:` URL).
DATASET_IMPORT_ALLOWED_DATA_URLS: list[str] = []

# --- caching ---------------------------------------------------------------------------
_DATA_CACHE_TIMEOUT = int(os.environ.get("SUPERSET_DATA_CACHE_TIMEOUT", "300"))
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = {
    "CACHE_TYPE": "SimpleCache" if _DATA_CACHE_TIMEOUT > 0 else "NullCache",
    "CACHE_DEFAULT_TIMEOUT": _DATA_CACHE_TIMEOUT,
    "CACHE_KEY_PREFIX": "superset_data_",
}

# --- security / API --------------------------------------------------------------------
# CSRF stays on for the browser UI. REST clients log in with
# POST /api/v1/security/login (JWT, exempt), send `Authorization: Bearer <token>`,
# and can call GET endpoints and POST /api/v1/chart/data (exempt below) directly;
# other write endpoints additionally need the token from
# GET /api/v1/security/csrf_token/ in an `X-CSRFToken` header (same session).
WTF_CSRF_ENABLED = True
WTF_CSRF_EXEMPT_LIST = [
    "superset.charts.data.api.data",
    "superset.dashboards.api.cache_dashboard_screenshot",
    "superset.views.core.explore_json",
    "superset.views.core.log",
    "superset.views.datasource.views.samples",
]
WTF_CSRF_TIME_LIMIT = 60 * 60 * 24 * 7
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

# --- no outbound calls -------------------------------------------------------------------
# The browser may only talk to this Superset: no map tiles, analytics pixels or web
# fonts from other hosts.
MAPBOX_API_KEY = ""
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
THEME_FONT_URL_ALLOWED_DOMAINS: list[str] = []
SLACK_API_TOKEN = None
SMTP_HOST = "localhost"

# --- web server ------------------------------------------------------------------------
SUPERSET_WEBSERVER_TIMEOUT = 120
SQLLAB_TIMEOUT = 120
ROW_LIMIT = 50000
