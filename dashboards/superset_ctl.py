"""Manage the project's Superset: init, import, export, render, serve.

Run with the Superset virtualenv's interpreter::

    .venv/superset/bin/python dashboards/superset_ctl.py init
    .venv/superset/bin/python dashboards/superset_ctl.py import
    .venv/superset/bin/python dashboards/superset_ctl.py serve
    .venv/superset/bin/python dashboards/superset_ctl.py export

Environment (secrets are read, never printed):

- ``SUPERSET_SECRET_KEY`` (required by every command that loads Superset)
- ``SUPERSET_HOME`` (default ``<repo>/data/superset``): metadata DB and logs
- ``SUPERSET_ADMIN_USER`` (default ``admin``) / ``SUPERSET_ADMIN_PASSWORD``
  (required by ``init`` when the admin does not exist yet)
- ``SERVING_WAREHOUSE_PATH``: absolute path of the read-only DuckDB serving copy,
  rendered into the ``warehouse`` database URI at import time
- ``SUPERSET_PORT`` (default 8088), ``SUPERSET_WORKERS`` (default 2),
  ``SUPERSET_THREADS`` (default 4) for ``serve``

Assets live in ``dashboards/assets`` in Superset's own import/export layout
(``metadata.yaml``, ``databases/``, ``datasets/``, ``charts/``, ``dashboards/``), with
two differences that ``render`` resolves before import and ``export`` restores:

- ``{{ VAR }}`` placeholders in database files are filled from the environment
  (only the variables in ``TEMPLATE_VARS``); a missing variable is an error.
- A dataset whose ``sql`` is a file name ending in ``.sql`` gets that file's text,
  read from beside the dataset YAML.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS_DIR = REPO_ROOT / "dashboards"
ASSETS_DIR = DASHBOARDS_DIR / "assets"
CONFIG_PATH = DASHBOARDS_DIR / "superset_config.py"
DEFAULT_SUPERSET_HOME = REPO_ROOT / "data" / "superset"
STAMP_NAME = "superset_ctl_init.json"

# Only these environment variables may be rendered into asset files.
TEMPLATE_VARS = ("SERVING_WAREHOUSE_PATH",)
PLACEHOLDER = re.compile(r"\{\{\s*([A-Z][A-Z0-9_]*)\s*\}\}")
ASSET_TYPES = ("databases", "datasets", "charts", "dashboards")
METADATA = {"version": "1.0.0", "type": "assets"}


class CtlError(RuntimeError):
    """A user-facing error: printed without a traceback, exit status 1."""


def log(message: str) -> None:
    print(f"[superset_ctl] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- env


def superset_home() -> Path:
    return Path(os.environ.get("SUPERSET_HOME") or DEFAULT_SUPERSET_HOME).resolve()


def prepare_env() -> None:
    """Point this process (and any child) at the project's Superset config."""
    os.environ["SUPERSET_HOME"] = str(superset_home())
    os.environ.setdefault("SUPERSET_CONFIG_PATH", str(CONFIG_PATH))
    os.environ.setdefault("FLASK_APP", "superset.app:create_app()")
    superset_home().mkdir(parents=True, exist_ok=True)


def require_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise CtlError(f"environment variable {name} is not set")
    return value


def admin_username() -> str:
    return os.environ.get("SUPERSET_ADMIN_USER") or "admin"


@contextmanager
def superset_app() -> Iterator[Any]:
    """Create the Superset Flask app and push an app context."""
    require_env("SUPERSET_SECRET_KEY")
    prepare_env()
    from superset.app import create_app  # pylint: disable=import-outside-toplevel

    app = create_app()
    with app.app_context():
        yield app


@contextmanager
def as_admin() -> Iterator[Any]:
    from superset import security_manager  # pylint: disable=import-outside-toplevel
    from superset.utils.core import override_user  # pylint: disable=import-outside-toplevel

    user = security_manager.find_user(username=admin_username())
    if user is None:
        raise CtlError(f"admin user {admin_username()!r} does not exist: run `init` first")
    with override_user(user):
        yield user


# -------------------------------------------------------------------------- init


def _init_fingerprint() -> dict[str, str]:
    return {
        "superset_version": importlib_metadata.version("apache-superset"),
        "config_sha256": hashlib.sha256(CONFIG_PATH.read_bytes()).hexdigest(),
        "admin_user": admin_username(),
    }


def _metadata_db_state(db_path: Path) -> tuple[str | None, str | None]:
    """(alembic revision, admin password hash) read straight from SQLite, without Superset."""
    if not db_path.exists():
        return None, None
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            revision = conn.execute("select version_num from alembic_version").fetchone()
            admin = conn.execute("select password from ab_user where username = ?", (admin_username(),)).fetchone()
    except sqlite3.Error:
        return None, None
    return (revision[0] if revision else None), (admin[0] or "" if admin else None)


def _admin_password_matches(password_hash: str) -> bool:
    """True unless SUPERSET_ADMIN_PASSWORD is set and differs from the stored password."""
    password = os.environ.get("SUPERSET_ADMIN_PASSWORD", "")
    if not password:
        return True
    from werkzeug.security import check_password_hash  # pylint: disable=import-outside-toplevel

    return check_password_hash(password_hash, password)


def is_initialised() -> bool:
    """Initialised for this Superset version, config, admin and admin password."""
    home = superset_home()
    stamp_path = home / STAMP_NAME
    if not stamp_path.exists():
        return False
    try:
        stamp = json.loads(stamp_path.read_text())
    except ValueError:
        return False
    if {k: stamp.get(k) for k in _init_fingerprint()} != _init_fingerprint():
        return False
    revision, password_hash = _metadata_db_state(home / "superset.db")
    return (
        password_hash is not None
        and revision is not None
        and revision == stamp.get("alembic_revision")
        and _admin_password_matches(password_hash)
    )


def cmd_init(args: argparse.Namespace) -> None:
    """`superset db upgrade` + `superset init` + create the admin if missing, in one process.

    Skipped (in well under a second) when the stamp in SUPERSET_HOME shows it already ran
    for this Superset version, this config file and this admin user and password.
    """
    require_env("SUPERSET_SECRET_KEY")
    prepare_env()
    if not args.force and is_initialised():
        log(f"already initialised ({superset_home()}); use --force to redo")
        return
    started = time.monotonic()
    with superset_app():
        from flask_migrate import upgrade  # pylint: disable=import-outside-toplevel
        from superset import db, security_manager  # pylint: disable=import-outside-toplevel
        from superset.extensions import appbuilder  # pylint: disable=import-outside-toplevel

        log("upgrading the metadata database")
        upgrade()
        log("syncing roles and permissions")
        appbuilder.add_permissions(update_perms=True)
        security_manager.sync_role_definitions()
        db.session.commit()

        username = admin_username()
        if security_manager.find_user(username=username) is None:
            password = os.environ.get("SUPERSET_ADMIN_PASSWORD", "")
            if not password:
                raise CtlError(f"admin user {username!r} does not exist and SUPERSET_ADMIN_PASSWORD is not set")
            role = security_manager.find_role(security_manager.auth_role_admin)
            email = os.environ.get("SUPERSET_ADMIN_EMAIL") or f"{username}@example.com"
            user = security_manager.add_user(username, "Superset", "Admin", email, role, password)
            if not user:
                raise CtlError(f"could not create admin user {username!r}")
            db.session.commit()
            log(f"created admin user {username!r}")
        else:
            user = security_manager.find_user(username=username)
            if not _admin_password_matches(user.password or ""):
                # demo credentials are generated per run: follow the environment
                security_manager.reset_password(user.id, os.environ["SUPERSET_ADMIN_PASSWORD"])
                db.session.commit()
                log(f"admin user {username!r} exists; password reset from SUPERSET_ADMIN_PASSWORD")
            else:
                log(f"admin user {username!r} exists")

        revision = db.session.execute(db.text("select version_num from alembic_version")).scalar()
    stamp = {**_init_fingerprint(), "alembic_revision": revision}
    (superset_home() / STAMP_NAME).write_text(json.dumps(stamp, indent=2) + "\n")
    log(f"initialised in {time.monotonic() - started:.1f}s")


# ------------------------------------------------------------------------ render


def _fill_placeholders(value: Any, file_name: str) -> Any:
    if isinstance(value, dict):
        return {k: _fill_placeholders(v, file_name) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_placeholders(v, file_name) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in TEMPLATE_VARS:
            raise CtlError(f"{file_name}: {{{{ {name} }}}} is not an allowed template variable")
        env_value = os.environ.get(name, "")
        if not env_value:
            raise CtlError(f"{file_name}: environment variable {name} is not set")
        if name == "SERVING_WAREHOUSE_PATH":
            env_value = _serving_path(env_value)
        return env_value

    return PLACEHOLDER.sub(substitute, value)


def _serving_path(raw: str) -> str:
    path = Path(raw)
    if not path.is_absolute():
        raise CtlError(f"SERVING_WAREHOUSE_PATH must be an absolute path, got {raw!r}")
    if any(ch in raw for ch in "?#"):
        raise CtlError("SERVING_WAREHOUSE_PATH must not contain '?' or '#'")
    return str(path)


def iter_asset_files(assets_dir: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(assets_dir.rglob("*.yaml")):
        rel = path.relative_to(assets_dir).as_posix()
        if rel == "metadata.yaml" or rel.split("/")[0] in ASSET_TYPES:
            yield rel, path


def render_assets(assets_dir: Path = ASSETS_DIR) -> dict[str, str]:
    """Return {bundle path: YAML text} ready for Superset's importer."""
    if not (assets_dir / "metadata.yaml").exists():
        raise CtlError(f"{assets_dir} has no metadata.yaml")
    rendered: dict[str, str] = {}
    for rel, path in iter_asset_files(assets_dir):
        config = yaml.safe_load(path.read_text())
        kind = rel.split("/")[0]
        # Only database files are templated here: charts and datasets may hold
        # Superset's own Jinja, which must reach Superset untouched.
        if kind == "databases":
            config = _fill_placeholders(config, rel)
        if kind == "datasets" and isinstance(config.get("sql"), str):
            sql_ref = config["sql"].strip()
            if sql_ref.endswith(".sql") and "\n" not in sql_ref:
                sql_path = path.parent / sql_ref
                if not sql_path.exists():
                    raise CtlError(f"{rel}: sql file {sql_ref} not found beside it")
                config["sql"] = sql_path.read_text().rstrip() + "\n"
        rendered[rel] = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    return rendered


def write_bundle(rendered: dict[str, str], zip_path: Path, root: str = "assets") -> None:
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for rel, text in rendered.items():
            bundle.writestr(f"{root}/{rel}", text)


def cmd_render(args: argparse.Namespace) -> None:
    rendered = render_assets(Path(args.assets))
    out = Path(args.out)
    if out.suffix == ".zip":
        write_bundle(rendered, out)
    else:
        for rel, text in rendered.items():
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    log(f"rendered {len(rendered)} files to {out}")


# ------------------------------------------------------------------------ import


def cmd_import(args: argparse.Namespace) -> None:
    """Render, zip and import every asset, overwriting by UUID (re-import is idempotent)."""
    started = time.monotonic()
    serving = _serving_path(require_env("SERVING_WAREHOUSE_PATH"))
    if not Path(serving).exists():
        raise CtlError(
            f"SERVING_WAREHOUSE_PATH {serving} does not exist: build/publish the warehouse before importing dashboards"
        )
    rendered = render_assets(Path(args.assets))
    with tempfile.TemporaryDirectory(prefix="superset-assets-") as tmp:
        tmp_dir = Path(tmp)
        render_dir = tmp_dir / "assets"
        for rel, text in rendered.items():
            target = render_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        zip_path = tmp_dir / "assets.zip"
        write_bundle(rendered, zip_path)

        with superset_app():
            # pylint: disable=import-outside-toplevel
            from superset.commands.exceptions import CommandInvalidError
            from superset.commands.importers.v1.assets import ImportAssetsCommand
            from superset.commands.importers.v1.utils import get_contents_from_bundle

            with zipfile.ZipFile(zip_path) as bundle:
                contents = get_contents_from_bundle(bundle)
            with as_admin():
                try:
                    ImportAssetsCommand(contents).run()
                except CommandInvalidError as ex:
                    details = "; ".join(str(m) for m in getattr(ex, "_exceptions", []))
                    raise CtlError(f"import failed validation: {ex} {details}") from ex
            dashboard_uuids = [
                str(yaml.safe_load(text)["uuid"]) for rel, text in rendered.items() if rel.startswith("dashboards/")
            ]
            repair_filter_scopes(dashboard_uuids)
            sync_security(Path(serving))
    counts: dict[str, int] = {}
    for rel in rendered:
        kind = rel.split("/")[0]
        counts[kind] = counts.get(kind, 0) + 1
    summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in ASSET_TYPES)
    log(f"imported {summary} in {time.monotonic() - started:.1f}s")


def _charts_under(position: dict[str, Any], roots: list[str]) -> list[int]:
    """Chart ids in the layout below any of the `roots` node ids."""
    found: list[int] = []
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        node_id = stack.pop()
        node = position.get(node_id)
        if node_id in seen or not isinstance(node, dict):
            continue
        seen.add(node_id)
        if node.get("type") == "CHART" and isinstance(node.get("meta", {}).get("chartId"), int):
            found.append(node["meta"]["chartId"])
        stack.extend(node.get("children") or [])
    return sorted(set(found))


def repair_filter_scopes(dashboard_uuids: list[str]) -> None:
    """Recompute each native filter's `chartsInScope` from its scope after an import.

    Superset 6.1's importer maps chart ids in the layout and in `scope.excluded` to the
    new instance's ids, but leaves `chartsInScope` (which the dashboard uses to decide
    which charts a filter applies to) holding the ids of the exported instance. They
    only match by luck. The scope (root path minus excluded charts) is the source of
    truth, as when a filter is saved in the UI.
    """
    # pylint: disable=import-outside-toplevel
    from superset import db
    from superset.models.dashboard import Dashboard

    changed = 0
    for dashboard in db.session.query(Dashboard).filter(Dashboard.uuid.in_(dashboard_uuids)).all():
        position = json.loads(dashboard.position_json or "{}")
        metadata = json.loads(dashboard.json_metadata or "{}")
        before = json.dumps(metadata, sort_keys=True)
        holders = [metadata.get("global_chart_configuration") or {}]
        holders += metadata.get("native_filter_configuration") or []
        holders += [
            config.get("crossFilters") or {}
            for config in (metadata.get("chart_configuration") or {}).values()
            if isinstance(config, dict)
        ]
        for holder in holders:
            scope = holder.get("scope")
            if not isinstance(scope, dict) or "chartsInScope" not in holder:
                continue
            excluded = set(scope.get("excluded") or [])
            in_scope = _charts_under(position, scope.get("rootPath") or ["ROOT_ID"])
            holder["chartsInScope"] = [chart_id for chart_id in in_scope if chart_id not in excluded]
        if json.dumps(metadata, sort_keys=True) != before:
            dashboard.json_metadata = json.dumps(metadata)
            changed += 1
    db.session.commit()
    if changed:
        log(f"native filter scopes resolved to this instance's chart ids on {changed} dashboard(s)")


# ---------------------------------------------------------------------- security

# Roles created from code (besides Superset's own Admin/Alpha/Gamma). Each gets Gamma's
# read-only UI permissions plus `datasource_access` on the datasets its rule allows;
# none gets database or schema access, so SQL Lab and ad-hoc datasets stay closed.
ROLE_LD_ANALYST = "LD_Analyst"
ROLE_FINANCE = "Finance"
ROLE_MANAGER = "Manager"
# Columns that name a person, and columns that identify one (pseudonymous ids).
NAME_COLUMNS = frozenset({"full_name", "first_name", "last_name", "work_email", "email", "manager_name"})
INDIVIDUAL_COLUMNS = frozenset({"employee_id", "employee_key", "manager_employee_id", "reviewer_employee_id"})
ORG_COLUMN = "org_unit_id"
DEMO_MANAGER = "demo_manager"
# RLS filters sharing a group key are ORed; the base rule on Manager is `1 = 0`, so a
# Manager without a personal scope role sees no rows at all (fail closed).
RLS_GROUP_KEY = "manager_org_scope"
RLS_BASE_NAME = "Manager: no scope unless granted"


def _dataset_access(columns: set[str]) -> dict[str, bool]:
    """Which code-managed roles may read a dataset with these columns."""
    return {
        ROLE_LD_ANALYST: not columns & NAME_COLUMNS,
        ROLE_FINANCE: not columns & (NAME_COLUMNS | INDIVIDUAL_COLUMNS),
        ROLE_MANAGER: ORG_COLUMN in columns and not columns & NAME_COLUMNS,
    }


def pick_demo_manager_scope(serving: Path) -> tuple[str, list[str]] | None:
    """(manager employee_id, org unit ids of their subtree) read from the serving copy.

    Rule (deterministic): among current, not terminated employees who have a manager themselves (not the
    top of the hierarchy) and at least one direct report, take the one with the largest
    transitive reporting subtree (ties: lowest employee_id). The scope is the org units
    of that manager and of every current employee in their subtree.
    """
    import duckdb  # pylint: disable=import-outside-toplevel

    con = duckdb.connect(str(serving), read_only=True)
    try:
        rows = con.execute(
            """
            with recursive current_employee as (
                select employee_id, manager_employee_id, org_unit_id
                from marts.dim_employee
                where is_current and termination_date is null
            ),
            chain (root_id, employee_id) as (
                select manager_employee_id, employee_id
                from current_employee
                where manager_employee_id is not null
                union
                select chain.root_id, report.employee_id
                from chain
                join current_employee as report on report.manager_employee_id = chain.employee_id
            ),
            candidate as (
                select chain.root_id, count(distinct chain.employee_id) as subtree_size
                from chain
                join current_employee as head
                    on head.employee_id = chain.root_id and head.manager_employee_id is not null
                group by chain.root_id
            ),
            chosen as (
                select root_id from candidate order by subtree_size desc, root_id limit 1
            )
            select chosen.root_id, employee.org_unit_id
            from chosen
            join current_employee as employee
                on employee.employee_id = chosen.root_id
                or employee.employee_id in (select employee_id from chain where chain.root_id = chosen.root_id)
            where employee.org_unit_id is not null
            """
        ).fetchall()
    finally:
        con.close()
    if not rows:
        return None
    return rows[0][0], sorted({org for _root, org in rows})


def _sql_in_clause(column: str, values: list[str]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"{column} in ({quoted})"


def sync_security(serving: Path) -> None:
    """Create/refresh the roles, dataset grants, demo_manager user and RLS rules.

    Idempotent: roles, users and rules are found by name and brought to the wanted state.
    """
    # pylint: disable=import-outside-toplevel
    from superset import db, security_manager
    from superset.connectors.sqla.models import RowLevelSecurityFilter, SqlaTable
    from superset.utils.core import RowLevelSecurityFilterType

    gamma = security_manager.find_role("Gamma")
    base_permissions = list(gamma.permissions) if gamma else []
    datasets = db.session.query(SqlaTable).all()
    roles = {}
    for role_name in (ROLE_LD_ANALYST, ROLE_FINANCE, ROLE_MANAGER):
        role = security_manager.find_role(role_name) or security_manager.add_role(role_name)
        wanted = list(base_permissions)
        for dataset in datasets:
            columns = {column.column_name for column in dataset.columns}
            if _dataset_access(columns)[role_name]:
                pvm = security_manager.find_permission_view_menu("datasource_access", dataset.perm)
                if pvm is None:
                    pvm = security_manager.add_permission_view_menu("datasource_access", dataset.perm)
                wanted.append(pvm)
        role.permissions = sorted(set(wanted), key=lambda p: p.id or 0)
        roles[role_name] = role
    manager_tables = [d for d in datasets if ORG_COLUMN in {c.column_name for c in d.columns}]

    def upsert_rule(name: str, role: Any, clause: str, description: str) -> None:
        rule = db.session.query(RowLevelSecurityFilter).filter_by(name=name).one_or_none()
        if rule is None:
            rule = RowLevelSecurityFilter(name=name)
            db.session.add(rule)
        rule.description = description
        rule.filter_type = RowLevelSecurityFilterType.REGULAR.value
        rule.group_key = RLS_GROUP_KEY
        rule.clause = clause
        rule.roles = [role]
        rule.tables = manager_tables

    upsert_rule(
        RLS_BASE_NAME,
        roles[ROLE_MANAGER],
        "1 = 0",
        "Fail closed: a Manager sees rows only through a personal scope rule (same group key, ORed).",
    )
    db.session.commit()
    log(
        "roles synced: "
        + ", ".join(
            f"{name} ({sum(1 for p in role.permissions if p.permission.name == 'datasource_access')} datasets)"
            for name, role in roles.items()
        )
    )

    password = os.environ.get("SUPERSET_DEMO_PASSWORD", "")
    if not password:
        log(f"SUPERSET_DEMO_PASSWORD is not set: not creating the {DEMO_MANAGER!r} account")
        return
    scope = pick_demo_manager_scope(serving)
    if scope is None:
        log(f"no manager with reports in marts.dim_employee: not creating the {DEMO_MANAGER!r} account")
        return
    manager_id, org_units = scope
    scope_role_name = f"{ROLE_MANAGER} scope: {DEMO_MANAGER}"
    scope_role = security_manager.find_role(scope_role_name) or security_manager.add_role(scope_role_name)
    upsert_rule(
        f"{ROLE_MANAGER} scope: {DEMO_MANAGER}",
        scope_role,
        _sql_in_clause(ORG_COLUMN, org_units),
        f"Org units of manager {manager_id}'s reporting subtree, computed at import.",
    )
    user = security_manager.find_user(username=DEMO_MANAGER)
    if user is None:
        user = security_manager.add_user(
            DEMO_MANAGER, "Demo", "Manager", f"{DEMO_MANAGER}@example.com", [roles[ROLE_MANAGER], scope_role], password
        )
        if not user:
            raise CtlError(f"could not create user {DEMO_MANAGER!r}")
    else:
        user.roles = [roles[ROLE_MANAGER], scope_role]
        from werkzeug.security import check_password_hash

        if not check_password_hash(user.password or "", password):
            security_manager.reset_password(user.id, password)
    db.session.commit()
    log(f"{DEMO_MANAGER!r} scoped to manager {manager_id}'s subtree: {len(org_units)} org unit(s) {org_units}")


# ------------------------------------------------------------------------ export


class _LiteralDumper(yaml.SafeDumper):
    """Dump multi-line strings (SQL, JSON) as readable literal blocks."""


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_LiteralDumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True, width=100)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug or "unnamed"


def _existing_assets(assets_dir: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """uuid -> (relative path, parsed config) of the asset files already in the repo."""
    mapping: dict[str, tuple[str, dict[str, Any]]] = {}
    if not assets_dir.exists():
        return mapping
    for rel, path in iter_asset_files(assets_dir):
        if rel == "metadata.yaml":
            continue
        config = yaml.safe_load(path.read_text()) or {}
        if "uuid" in config:
            mapping[str(config["uuid"])] = (rel, config)
    return mapping


def _existing_paths(assets_dir: Path) -> dict[str, str]:
    return {uuid: rel for uuid, (rel, _config) in _existing_assets(assets_dir).items()}


def _keep_order(items: list[dict[str, Any]], previous: list[dict[str, Any]], key: str) -> list:
    """Order exported columns/metrics as the repo file had them; new ones last, by name."""
    rank = {item.get(key): i for i, item in enumerate(previous or [])}
    return sorted(items, key=lambda item: (rank.get(item.get(key), len(rank)), str(item.get(key))))


def _template_uri(uri: str, rel: str) -> str:
    serving = os.environ.get("SERVING_WAREHOUSE_PATH", "")
    if serving and _serving_path(serving) in uri:
        return uri.replace(_serving_path(serving), "{{ SERVING_WAREHOUSE_PATH }}")
    if uri.startswith("duckdb:///") and not uri.startswith("duckdb:///:memory:"):
        log(f"{rel}: URI path differs from SERVING_WAREHOUSE_PATH; templating it anyway")
        query = ""
        if "?" in uri:
            uri, query = uri.split("?", 1)
            query = "?" + query
        return "duckdb:///{{ SERVING_WAREHOUSE_PATH }}" + query
    raise CtlError(f"{rel}: refusing to write a hard-coded connection URI; template it by hand")


def _clean_chart(config: dict[str, Any]) -> dict[str, Any]:
    """Drop instance-specific ids; the importer sets them again from dataset_uuid."""
    params = config.get("params") or {}
    for key in ("datasource", "slice_id"):
        params.pop(key, None)
    if config.get("query_context"):
        try:
            query_context = json.loads(config["query_context"])
        except ValueError:
            query_context = None
        if isinstance(query_context, dict):
            query_context.pop("datasource", None)
            form_data = query_context.get("form_data") or {}
            for key in ("datasource", "slice_id"):
                form_data.pop(key, None)
            for query in query_context.get("queries") or []:
                query.pop("datasource", None)
            config["query_context"] = json.dumps(query_context, indent=2) + "\n"
    return config


def _clean_dashboard(config: dict[str, Any]) -> dict[str, Any]:
    """Renumber chart ids 1..n (in layout order) so files do not depend on the instance."""
    position = config.get("position") or {}
    chart_nodes = [
        node for _key, node in sorted(position.items()) if isinstance(node, dict) and node.get("type") == "CHART"
    ]
    id_map: dict[int, int] = {}
    for node in chart_nodes:
        old = node.get("meta", {}).get("chartId")
        if isinstance(old, int) and old not in id_map:
            id_map[old] = len(id_map) + 1
    for node in chart_nodes:
        meta = node.get("meta", {})
        if meta.get("chartId") in id_map:
            meta["chartId"] = id_map[meta["chartId"]]

    def remap_list(ids: list[Any]) -> list[Any]:
        return [id_map.get(i, i) for i in ids]

    metadata = config.get("metadata") or {}
    if "chart_configuration" in metadata:
        remapped = {}
        for key, chart_config in metadata["chart_configuration"].items():
            new_id = id_map.get(int(key), int(key)) if str(key).isdigit() else key
            if isinstance(chart_config, dict):
                if chart_config.get("id") in id_map:
                    chart_config["id"] = id_map[chart_config["id"]]
                scope = chart_config.get("crossFilters", {}).get("scope", {})
                if isinstance(scope, dict) and scope.get("excluded"):
                    scope["excluded"] = remap_list(scope["excluded"])
                if isinstance(chart_config.get("crossFilters", {}).get("chartsInScope"), list):
                    chart_config["crossFilters"]["chartsInScope"] = sorted(
                        remap_list(chart_config["crossFilters"]["chartsInScope"])
                    )
            remapped[str(new_id)] = chart_config
        metadata["chart_configuration"] = dict(sorted(remapped.items(), key=lambda kv: kv[0]))
    scope = metadata.get("global_chart_configuration", {}).get("scope", {})
    if isinstance(scope, dict) and scope.get("excluded"):
        scope["excluded"] = remap_list(scope["excluded"])
    if isinstance(metadata.get("global_chart_configuration", {}).get("chartsInScope"), list):
        metadata["global_chart_configuration"]["chartsInScope"] = sorted(
            remap_list(metadata["global_chart_configuration"]["chartsInScope"])
        )
    for native_filter in metadata.get("native_filter_configuration", []):
        if native_filter.get("scope", {}).get("excluded"):
            native_filter["scope"]["excluded"] = remap_list(native_filter["scope"]["excluded"])
        if isinstance(native_filter.get("chartsInScope"), list):
            native_filter["chartsInScope"] = sorted(remap_list(native_filter["chartsInScope"]))
    if "timed_refresh_immune_slices" in metadata:
        metadata["timed_refresh_immune_slices"] = remap_list(metadata["timed_refresh_immune_slices"])
    if "expanded_slices" in metadata:
        metadata["expanded_slices"] = {str(id_map.get(int(k), k)): v for k, v in metadata["expanded_slices"].items()}
    if "filter_scopes" in metadata:
        metadata["filter_scopes"] = {str(id_map.get(int(k), k)): v for k, v in metadata["filter_scopes"].items()}
    return config


def clean_export(exported: dict[str, str], assets_dir: Path) -> dict[str, str]:
    """Turn Superset's export into repo files: {relative path: text}."""
    existing_assets = _existing_assets(assets_dir)
    existing = {uuid: rel for uuid, (rel, _config) in existing_assets.items()}
    files: dict[str, str] = {"metadata.yaml": dump_yaml(METADATA)}
    db_dirs: dict[str, str] = {}  # database uuid -> dataset folder name
    configs = {name: yaml.safe_load(text) for name, text in exported.items() if name.split("/")[0] in ASSET_TYPES}
    # databases first, so datasets know their folder
    for name, config in sorted(configs.items()):
        kind = name.split("/")[0]
        if kind != "databases":
            continue
        uuid = str(config["uuid"])
        rel = existing.get(uuid) or f"databases/{slugify(config['database_name'])}.yaml"
        config["sqlalchemy_uri"] = _template_uri(config["sqlalchemy_uri"], rel)
        db_dirs[uuid] = Path(rel).stem
        files[rel] = dump_yaml(config)
    for name, config in sorted(configs.items()):
        kind = name.split("/")[0]
        uuid = str(config.get("uuid"))
        if kind == "datasets":
            folder = db_dirs.get(str(config.get("database_uuid")), Path(name).parent.name)
            rel = existing.get(uuid) or f"datasets/{folder}/{slugify(config['table_name'])}.yaml"
            previous = existing_assets.get(uuid, ("", {}))[1]
            config["columns"] = _keep_order(config.get("columns") or [], previous.get("columns"), "column_name")
            config["metrics"] = _keep_order(config.get("metrics") or [], previous.get("metrics"), "metric_name")
            sql = config.get("sql")
            if sql:
                sql_name = Path(rel).with_suffix(".sql").name
                files[str(Path(rel).parent / sql_name)] = sql.strip() + "\n"
                config["sql"] = sql_name
            files[rel] = dump_yaml(config)
        elif kind == "charts":
            rel = existing.get(uuid) or f"charts/{slugify(config['slice_name'])}.yaml"
            files[rel] = dump_yaml(_clean_chart(config))
        elif kind == "dashboards":
            rel = existing.get(uuid) or (f"dashboards/{slugify(config['dashboard_title'])}.yaml")
            files[rel] = dump_yaml(_clean_dashboard(config))
    return files


def cmd_export(args: argparse.Namespace) -> None:
    """Export dashboards (and their charts, datasets, database) into clean asset files."""
    assets_dir = Path(args.assets)
    wanted = set(args.dashboard or [])
    if not wanted and not args.all:
        wanted = {uuid for uuid, rel in _existing_paths(assets_dir).items() if rel.startswith("dashboards/")}
        if not wanted:
            raise CtlError("no dashboards in assets yet: pass --dashboard UUID or --all")
    with superset_app():
        # pylint: disable=import-outside-toplevel
        from superset import db
        from superset.commands.dashboard.export import ExportDashboardsCommand
        from superset.models.dashboard import Dashboard

        with as_admin():
            dashboards = db.session.query(Dashboard).all()
            ids = [
                d.id
                for d in dashboards
                if args.all or str(d.uuid) in wanted or d.slug in wanted or d.dashboard_title in wanted
            ]
            if not ids:
                raise CtlError("no matching dashboards in Superset")
            exported = {
                name: content() for name, content in ExportDashboardsCommand(ids).run() if name != "metadata.yaml"
            }
    files = clean_export(exported, assets_dir)
    out_dir = Path(args.out) if args.out else assets_dir
    written = 0
    for rel, text in sorted(files.items()):
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            written += 1
    # report repo files the export no longer produces (not deleted automatically)
    produced = set(files)
    stale = [rel for rel, _ in iter_asset_files(out_dir) if rel not in produced]
    log(f"exported {len(files)} files to {out_dir} ({written} changed)")
    for rel in stale:
        log(f"not in this export (left as is): {rel}")


# ------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> None:
    """Run Superset on 127.0.0.1:$SUPERSET_PORT (gunicorn, or Flask's server with --dev)."""
    require_env("SUPERSET_SECRET_KEY")
    prepare_env()
    if not is_initialised():
        raise CtlError("Superset is not initialised: run `superset_ctl.py init` first")
    port = os.environ.get("SUPERSET_PORT") or "8088"
    if not port.isdigit():
        raise CtlError(f"SUPERSET_PORT must be a number, got {port!r}")
    bindir = Path(sys.executable).parent
    gunicorn = bindir / "gunicorn"
    if args.dev or not gunicorn.exists():
        argv = [str(bindir / "superset"), "run", "-h", "127.0.0.1", "-p", port, "--with-threads"]
    else:
        argv = [
            str(gunicorn),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("SUPERSET_WORKERS") or "2",
            "--worker-class",
            "gthread",
            "--threads",
            os.environ.get("SUPERSET_THREADS") or "4",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--limit-request-line",
            "0",
            "--limit-request-field_size",
            "0",
            "superset.app:create_app()",
        ]
    log(f"serving Superset on http://127.0.0.1:{port} ({Path(argv[0]).name})")
    sys.stdout.flush()
    sys.stderr.flush()
    # exec, so the server keeps this pid and process group (stop it by group)
    os.execve(argv[0], argv, os.environ.copy())  # noqa: S606 - fixed argv, no shell


# -------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="upgrade the metadata DB, sync roles, create the admin")
    p.add_argument("--force", action="store_true", help="redo even if already initialised")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help="render the assets and import them (overwrite by uuid)")
    p.add_argument("--assets", default=str(ASSETS_DIR))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export dashboards back into clean asset files")
    p.add_argument("--assets", default=str(ASSETS_DIR), help="repo assets (for file names)")
    p.add_argument("--out", help="write here instead of --assets")
    p.add_argument("--dashboard", action="append", help="uuid, slug or title (repeatable)")
    p.add_argument("--all", action="store_true", help="export every dashboard")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("render", help="render the assets (no Superset needed)")
    p.add_argument("--assets", default=str(ASSETS_DIR))
    p.add_argument("--out", required=True, help="a directory, or a path ending in .zip")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("serve", help="run Superset bound to 127.0.0.1:$SUPERSET_PORT")
    p.add_argument("--dev", action="store_true", help="use `superset run` instead of gunicorn")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except CtlError as ex:
        log(f"error: {ex}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
