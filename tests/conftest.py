"""Shared fixtures: a small generated company, the vendor emulators and a real ralph LRS."""

from __future__ import annotations

import secrets
import socket
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
