"""A throwaway PostgreSQL for the tests: initdb in a temporary directory, a loopback port, stopped afterwards.

Debian's binaries (``/usr/lib/postgresql/<version>/bin``) or any on the PATH. initdb refuses to run as
root, so as root the server runs as the ``postgres`` user (made by Debian's package) through
``runuser``; its directory is handed to that user. Connections use the loopback port with ``trust``
authentication, which listens on 127.0.0.1 only; the unix socket lives in the temporary directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import uuid
from pathlib import Path


def find_binaries() -> Path | None:
    """The folder with initdb and pg_ctl: the newest Debian version, else the PATH's; None if neither."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self, base: Path, binaries: Path) -> None:
        self.base = base
        self.data = base / "pgdata"
        self.binaries = binaries
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.binaries / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> PostgresServer:
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # the server's user must own its directory (made by tempfile: under /tmp)
            entry = pwd.getpwnam("postgres")
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        done = self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8",
                         "--no-instructions", "--no-sync")
        assert done.returncode == 0, f"initdb failed: {done.stdout}{done.stderr}"
        return self._start()

    def _start(self) -> PostgresServer:
        options = f"-p {self.port} -k {self.base} -h 127.0.0.1 -c fsync=on -c max_connections=200"
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"), "-o", options,
                         "-w", "-t", "60", "start")
        assert done.returncode == 0, f"pg_ctl start failed: {done.stdout}{done.stderr}{self.log()}"
        return self

    def restart(self) -> None:
        """Stop (every connection cut) and start again on the same port."""
        self.stop()
        self._start()

    def log(self) -> str:
        path = self.base / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.is_file() else ""

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database of its own; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
