"""Running the real ralph LRS for the demo and the tests, and filling it.

Ralph runs from its own virtualenv (`.venv/lrs`) with the file-system backend, bound to
127.0.0.1, with a basic-auth file written by `ralph auth`. Its file-system backend
accepts one bulk write per store file, so the demo fills a fresh store with a single
`POST /xAPI/statements` carrying every statement (a bulk import, as an LMS migration
would do); the store is rebuilt whenever the demo data changes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
LRS_VENV = Path(os.environ.get("LRS_VENV", ROOT / ".venv" / "lrs"))
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


@dataclass
class RalphServer:
    home: Path
    port: int
    username: str
    password: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def store(self) -> Path:
        return self.home / "statements"

    def _env(self) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "RALPH_APP_DIR": str(self.home / "app"),
                "RALPH_AUTH_FILE": str(self.home / "auth.json"),
                "RALPH_RUNSERVER_BACKEND": "fs",
                "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.store),
                "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": os.environ.get("LRS_MAX_PAGE_SIZE", "1000"),
            }
        )
        return env

    def write_credentials(self) -> None:
        """(Re)write the basic-auth file for this run's generated credentials."""
        (self.home / "app").mkdir(parents=True, exist_ok=True)
        auth = self.home / "auth.json"
        auth.unlink(missing_ok=True)
        subprocess.run(
            [
                str(LRS_VENV / "bin" / "ralph"),
                "auth",
                "-u",
                self.username,
                "-p",
                self.password,
                "-s",
                "all",
                "-M",
                "mailto:lrs-service@northwind-demo.example",
                "-w",
            ],
            env=self._env(),
            check=True,
            capture_output=True,
        )

    def start(self, timeout: float = 60.0) -> RalphServer:
        self.store.mkdir(parents=True, exist_ok=True)
        self.write_credentials()
        log = (self.home / "ralph.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(LRS_VENV / "bin" / "uvicorn"),
                "ralph.api:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ralph exited with {self.process.returncode}; see {self.home / 'ralph.log'}")
            try:
                if requests.get(f"{self.url}/__lbheartbeat__", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:  # refused, or accepted but not answering yet
                pass
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"ralph did not answer on {self.url} within {timeout:.0f}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def is_filled_with(self, fingerprint: str) -> bool:
        marker = self.home / "filled.json"
        return marker.exists() and json.loads(marker.read_text()).get("fingerprint") == fingerprint

    def reset_store(self) -> None:
        shutil.rmtree(self.store, ignore_errors=True)
        (self.home / "filled.json").unlink(missing_ok=True)
        self.store.mkdir(parents=True, exist_ok=True)

    def fill(self, statements_file: Path, fingerprint: str) -> int:
        """POST every statement in one request; returns how many the LRS stored."""
        statements = [json.loads(line) for line in statements_file.read_text().splitlines() if line.strip()]
        response = requests.post(
            f"{self.url}/xAPI/statements",
            json=statements,
            headers=XAPI_HEADERS,
            auth=(self.username, self.password),
            timeout=600,
        )
        if response.status_code != 200:
            raise RuntimeError(f"LRS refused the bulk import: HTTP {response.status_code} {response.text[:200]}")
        stored = len(response.json())
        (self.home / "filled.json").write_text(json.dumps({"fingerprint": fingerprint, "statements": stored}))
        return stored
