"""Shared fixtures: a small generated company, the vendor emulators and a real ralph LRS."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.emulators import Faults, load_demo, make_servers, serve_in_thread
from demo.generator import DemoCompany
from demo.lrs import LRS_VENV, RalphServer

SMALL_ORG = 200


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DEMO_PORT_VARIABLES = (
    "LRS_PORT",
    "BAMBOOHR_EMULATOR_PORT",
    "LATTICE_EMULATOR_PORT",
    "DOCEBO_EMULATOR_PORT",
    "FIFTEEN_FIVE_EMULATOR_PORT",
    "WORKDAY_EMULATOR_PORT",
    "CULTURE_AMP_EMULATOR_PORT",
    "LEARNUPON_EMULATOR_PORT",
)


def free_demo_ports() -> dict[str, str]:
    """A free loopback port for every source system a demo build starts."""
    return {name: str(free_port()) for name in DEMO_PORT_VARIABLES}


@pytest.fixture(scope="session")
def small_company() -> DemoCompany:
    return DemoCompany(SMALL_ORG, seed=7).generate()


@pytest.fixture(scope="session")
def demo_dir(small_company: DemoCompany, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    small_company.write(folder)
    return folder


class VendorStack:
    def __init__(self, demo_dir: Path):
        self.key = secrets.token_urlsafe(16)
        self.token = secrets.token_urlsafe(16)
        self.faults = Faults()
        self.bamboo, self.lattice = make_servers(
            load_demo(demo_dir), bamboohr_key=self.key, lattice_token=self.token, faults=self.faults
        )
        for server in (self.bamboo, self.lattice):
            serve_in_thread(server)

    @property
    def bamboohr_url(self) -> str:
        return f"http://127.0.0.1:{self.bamboo.server_port}/api/gateway.php/northwind/v1"

    @property
    def lattice_url(self) -> str:
        return f"http://127.0.0.1:{self.lattice.server_port}/v1"

    def close(self) -> None:
        for server in (self.bamboo, self.lattice):
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="session")
def vendors(demo_dir: Path) -> Iterator[VendorStack]:
    stack = VendorStack(demo_dir)
    yield stack
    stack.close()


@pytest.fixture(autouse=True)
def _no_faults_left_over(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "vendors" in request.fixturenames:
        request.getfixturevalue("vendors").faults.every = 0


@pytest.fixture(scope="session")
def ralph(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphServer]:
    if not (LRS_VENV / "bin" / "uvicorn").exists():
        pytest.fail(f"the LRS environment is missing at {LRS_VENV}; run `make setup`")
    server = RalphServer(tmp_path_factory.mktemp("ralph"), free_port(), "tester", secrets.token_urlsafe(12))
    server.reset_store()
    server.start()
    server.fill(demo_dir / "xapi_statements.jsonl", "tests")
    yield server
    server.stop()


class DoceboStack:
    """The Docebo emulator with per-session client credentials and its own faults."""

    def __init__(self, demo_dir: Path):
        from demo.emulators import make_docebo_server

        self.client_id = f"tests-{secrets.token_hex(4)}"
        self.client_secret = secrets.token_urlsafe(16)
        self.faults = Faults()
        self.server = make_docebo_server(
            load_demo(demo_dir), client_id=self.client_id, client_secret=self.client_secret, faults=self.faults
        )
        serve_in_thread(self.server)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def docebo(demo_dir: Path) -> Iterator[DoceboStack]:
    stack = DoceboStack(demo_dir)
    yield stack
    stack.close()


@pytest.fixture
def docebo_clean(docebo: DoceboStack) -> Iterator[DoceboStack]:
    """The Docebo emulator, with fault injection reset after the test."""
    docebo.faults.reset()
    yield docebo
    docebo.faults.reset()


@pytest.fixture(scope="session")
def learnupon(small_company: DemoCompany) -> Iterator:
    """The LearnUpon emulator serving the small company at 50 records a page (so every list
    pages), with per-session credentials."""
    from demo import learnupon as learnupon_demo

    emulator = learnupon_demo.LearnUponEmulator(
        learnupon_demo.learnupon(small_company),
        username=secrets.token_hex(8),
        password=secrets.token_urlsafe(16),
        page_size=50,
    )
    yield emulator
    emulator.close()


@pytest.fixture
def learnupon_clean(learnupon) -> Iterator:
    """The LearnUpon emulator, with faults and its request log reset around the test."""
    learnupon.faults.reset()
    learnupon.requests.clear()
    yield learnupon
    learnupon.faults.reset()
    learnupon.requests.clear()


class PeopleToolsStack:
    """The 15Five, Workday and Culture Amp emulators, with per-session credentials."""

    def __init__(self, demo_dir: Path):
        from demo.emulators import (
            WORKDAY_REPORT_PATH,
            make_culture_amp_server,
            make_fifteen_five_server,
            make_workday_server,
        )

        data = load_demo(demo_dir)
        self.faults = Faults()
        self.fifteen_five_key = secrets.token_urlsafe(16)
        self.workday_user, self.workday_password = "ISU_Tests@northwind", secrets.token_urlsafe(12)
        self.fifteen_five = make_fifteen_five_server(data, api_key=self.fifteen_five_key, faults=self.faults)
        self.workday = make_workday_server(
            data,
            username=self.workday_user,
            password=self.workday_password,
            report_path=WORKDAY_REPORT_PATH,
            faults=self.faults,
        )
        self.culture_amp_id, self.culture_amp_secret = "tests-ca", secrets.token_urlsafe(16)
        self.culture_amp = make_culture_amp_server(
            data, client_id=self.culture_amp_id, client_secret=self.culture_amp_secret, faults=self.faults
        )
        self.report_path = WORKDAY_REPORT_PATH
        for server in (self.fifteen_five, self.workday, self.culture_amp):
            serve_in_thread(server)

    @property
    def fifteen_five_url(self) -> str:
        return f"http://127.0.0.1:{self.fifteen_five.server_port}/api/public"

    @property
    def workday_url(self) -> str:
        return f"http://127.0.0.1:{self.workday.server_port}{self.report_path}"

    @property
    def culture_amp_url(self) -> str:
        return f"http://127.0.0.1:{self.culture_amp.server_port}/v1"

    def close(self) -> None:
        for server in (self.fifteen_five, self.workday, self.culture_amp):
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="session")
def people_tools(demo_dir: Path) -> Iterator[PeopleToolsStack]:
    stack = PeopleToolsStack(demo_dir)
    yield stack
    stack.close()


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a private Unix socket; skipped without binaries."""
    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed")
    run_as: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="gx-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = workdir / "data"

    def pg(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, timeout=120)

    pg("initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-k {workdir} -p 5432 -c listen_addresses=''"
    pg("pg_ctl", "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w", "start")
    try:
        yield f"postgresql://postgres@/postgres?host={workdir}&port=5432"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(workdir, ignore_errors=True)
