"""`dbt build --target postgres` on a real PostgreSQL server, compared with DuckDB.

A PostgreSQL server from the Debian binaries (initdb / pg_ctl on PATH) is started in a
temporary folder on a free port, as the `postgres` user when the tests run as root. The
raw tables of the small generated org are loaded with the production dlt connectors
(vendor emulators and a real ralph LRS), then dbt builds every model and runs every data
and unit test. The marts must hold the same rows as the same build on DuckDB.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import dlt
import pytest

from tests.conftest import free_port
from tests.test_dbt_duckdb import dbt, duckdb_build_once, load_raw, mart_names, summary

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DATABASE = "lp_warehouse"


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as `postgres` then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresServer:
    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.port = port
        self.data = folder / "data"
        self.socket_dir = folder / "socket"
        self.log = folder / "server.log"
        self.password = secrets.token_urlsafe(16)

    def start(self) -> None:
        for binary in ("initdb", "pg_ctl"):
            if shutil.which(binary) is None:
                pytest.fail(f"{binary} is not on PATH; install the Debian postgresql package")
        self.socket_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
            self.folder.chmod(0o755)
        password_file = self.folder / "password"
        password_file.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(password_file, "postgres", "postgres")
        password_file.chmod(0o600)
        subprocess.run(
            _as_postgres(
                ["initdb", "-D", str(self.data), "-U", "postgres", "-A", "scram-sha-256", "-E", "UTF8"]
                + ["--pwfile", str(password_file)]
            ),
            check=True,
            capture_output=True,
        )
        password_file.unlink()
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"]),
            check=True,
            capture_output=True,
        )
        self._create_database()

    def _create_database(self) -> None:
        import psycopg2

        deadline = time.monotonic() + 30
        while True:
            try:
                connection = psycopg2.connect(
                    host="127.0.0.1", port=self.port, user="postgres", password=self.password, dbname="postgres"
                )
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"create database {DATABASE}")
        connection.close()

    def stop(self) -> None:
        subprocess.run(_as_postgres(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"]), capture_output=True)

    @property
    def credentials(self) -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": "postgres",
            "PGPASSWORD": self.password,
            "PGDATABASE": DATABASE,
        }

    def counts(self, marts: list[str]) -> dict[str, int]:
        import psycopg2

        with psycopg2.connect(self.credentials) as connection, connection.cursor() as cursor:
            result = {}
            for name in marts:
                cursor.execute(f"select count(*) from marts.{name}")
                result[name] = cursor.fetchone()[0]
        return result

    def query(self, sql: str) -> list[tuple]:
        import psycopg2

        with psycopg2.connect(self.credentials) as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    # Not under pytest's tmp_path: its folders are private to root, and the server runs
    # as `postgres`, which must reach its data directory and socket.
    folder = Path(tempfile.mkdtemp(prefix="lp_warehouse_pg_"))
    server = PostgresServer(folder, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_build(
    postgres: PostgresServer, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    work = tmp_path_factory.mktemp("dbt_postgres")
    load_raw(dlt.destinations.postgres(postgres.credentials), work / "pipelines", request)
    started = time.monotonic()
    result = dbt(["build", "--target", "postgres"], postgres.env(), work)
    return {"result": result, "seconds": time.monotonic() - started}


@pytest.fixture(scope="module")
def duckdb_reference(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same build on DuckDB (shared with test_dbt_duckdb.py)."""
    return duckdb_build_once(request, tmp_path_factory)


def test_dbt_build_passes_on_postgres(postgres_build: dict) -> None:
    result = postgres_build["result"]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-4000:]
    counts = summary(result)
    assert counts["error"] == 0 and counts["skip"] == 0
    assert counts["pass"] > 200
    assert "unit tests" in result.stdout


def test_postgres_marts_equal_duckdb_marts(
    postgres_build: dict, postgres: PostgresServer, duckdb_reference: dict
) -> None:
    assert postgres_build["result"].returncode == 0, "the PostgreSQL build failed"
    assert duckdb_reference["result"].returncode == 0, "the DuckDB build failed"
    marts = mart_names()
    postgres_counts = postgres.counts(marts)
    assert postgres_counts == duckdb_reference["counts"]
    for name in ["mart_capability_gap", "mart_learning_alignment", "mart_learning_recommendations"]:
        assert postgres_counts[name] > 0, name


def test_postgres_and_duckdb_agree_on_values(
    postgres_build: dict, postgres: PostgresServer, duckdb_reference: dict
) -> None:
    """Counts can agree by luck; sums of the measures cannot."""
    import duckdb

    assert postgres_build["result"].returncode == 0, "the PostgreSQL build failed"
    sql = {
        "gap": "select count(*) filter (where is_open_gap), sum(gap_levels) from marts.mart_capability_gap",
        "alignment": "select sum(aligned_learning_hours), sum(learning_hours) from marts.mart_learning_alignment",
        "recommendations": "select sum(recommendation_rank), count(distinct employee_id)"
        " from marts.mart_learning_recommendations",
        # both learning sources: dates (time zones), hours, completions and due dates
        "learning": "select count(*) filter (where is_completion), count(*) filter (where is_on_time),"
        " sum(learning_hours), sum(activity_on - date '2000-01-01'), count(distinct source_system)"
        " from marts.fct_learning_activity",
    }
    with duckdb.connect(str(duckdb_reference["path"]), read_only=True) as con:
        on_duckdb = {k: tuple(float(v) for v in con.execute(q).fetchone()) for k, q in sql.items()}
    on_postgres = {k: tuple(float(v) for v in postgres.query(q)[0]) for k, q in sql.items()}
    assert on_postgres.keys() == on_duckdb.keys()
    for key, values in on_duckdb.items():
        assert on_postgres[key] == pytest.approx(values, rel=1e-9), key
