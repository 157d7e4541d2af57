"""A real `vagvisare serve` in a subprocess, for the tests that need a process to kill or restart.

Settings travel as ``VAGVISARE_*`` environment variables, as in a deployment; the server runs in
production mode (a real admin token, dev mode off).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import httpx

from core.settings import PREFIX, Settings

ADMIN_TOKEN = "live-server-admin-token-7f3a9c2e"
ENTRY = "import sys; from vagvisare.cli import main; sys.exit(main())"


def settings_env(settings: Settings, **overrides: object) -> dict[str, str]:
    """The environment that makes ``load_settings()`` in the server return ``settings`` (with overrides)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    values = {f.name: getattr(settings, f.name) for f in fields(Settings)}
    values.update(overrides)
    for name, value in values.items():
        text = ("1" if value else "0") if isinstance(value, bool) else str(value)
        env[PREFIX + name.upper()] = text
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, settings: Settings, log: Path, *, workers: int = 1, **overrides: object) -> None:
        self.env = settings_env(settings, **{"admin_token": ADMIN_TOKEN, "dev_mode": False, "log_level": "WARNING",
                                             **overrides})
        self.workers = workers
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120.0) -> LiveServer:
        """Start and wait until ``/healthz`` answers (200, or 503 when there is no usable index)."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-c", ENTRY, "serve", "--port", str(self.port), "--workers", str(self.workers)],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited ({self.process.returncode}): {self.tail()}"
            try:
                if httpx.get(self.url + "/healthz", timeout=2.0).status_code in (200, 503):
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"the server did not answer in {timeout} s: {self.tail()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            os.killpg(self.pid, sig)
            assert self.process is not None
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait()

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.is_file() else ""

    def admin(self, path: str, token: str = ADMIN_TOKEN) -> httpx.Response:
        return httpx.post(self.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=60.0)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
