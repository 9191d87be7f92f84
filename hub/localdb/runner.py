"""Starts, watches and stops the local Neo4j launcher (hub/localdb/launcher).

The launcher runs in its own process group; its pid, port and log live in the database home,
so `hub db status` and `hub db stop` find a Neo4j started by another command.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable

LAUNCHER_DIR = Path(__file__).resolve().parent / "launcher"
LAUNCHER_JAR = LAUNCHER_DIR / "target" / "neo4j-launcher-1.0.0.jar"
LAUNCHER_LIB = LAUNCHER_DIR / "target" / "lib"
MAIN_CLASS = "hub.localdb.Launcher"

# The JVM flags Neo4j 5's own scripts use (see NOTES.md).
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)


class LocalNeo4jError(RuntimeError):
    """The local Neo4j could not be built, started or stopped; the message says why."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_launcher_built() -> None:
    """Build the launcher and fetch the Neo4j jars with Maven if they are not there yet."""
    if LAUNCHER_JAR.exists() and LAUNCHER_LIB.is_dir() and any(LAUNCHER_LIB.glob("neo4j-*.jar")):
        return
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError("Maven (mvn) is not installed; it fetches the Neo4j jars")
    result = subprocess.run(
        [mvn, "-B", "-q", "package"], cwd=LAUNCHER_DIR, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise LocalNeo4jError(f"building the Neo4j launcher failed:\n{result.stdout[-4000:]}")


@dataclass
class LocalNeo4j:
    """One local Neo4j, identified by its home directory."""

    home: Path
    port: int = 7687
    heap_mb: int = 1024
    pagecache_mb: int = 512

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "launcher.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "launcher.log"

    def running_pid(self) -> int | None:
        """The pid of this home's launcher if alive, else None (removing a stale pid file)."""
        try:
            pid_text, _, port_text = self.pid_file.read_text().partition(" ")
            pid = int(pid_text)
        except (FileNotFoundError, ValueError):
            return None
        if not _alive(pid):
            self.pid_file.unlink(missing_ok=True)
            return None
        if port_text.strip().isdigit():
            self.port = int(port_text)
        return pid

    def start(self, *, timeout_s: float = 180.0, parent_pid: int | None = None) -> str:
        """Start in the background and wait until Bolt answers a query; return the Bolt URI.

        With `parent_pid` the launcher stops by itself when that process ends, so a killed
        test session or `hub run` leaves no JVM behind.
        """
        if self.running_pid() is not None:
            self._wait_until_ready(timeout_s)
            return self.uri
        ensure_launcher_built()
        java = shutil.which("java")
        if java is None:
            raise LocalNeo4jError("java is not installed; Neo4j 5.26 needs Java 17 or 21")
        self.home.mkdir(parents=True, exist_ok=True)
        command = [
            java,
            f"-Xms{self.heap_mb}m",
            f"-Xmx{self.heap_mb}m",
            *_JVM_FLAGS,
            "-cp",
            f"{LAUNCHER_JAR}{os.pathsep}{LAUNCHER_LIB}/*",
            MAIN_CLASS,
            "--home",
            str(self.home),
            "--port",
            str(self.port),
            "--pagecache-mb",
            str(self.pagecache_mb),
        ]
        if parent_pid is not None:
            command += ["--parent-pid", str(parent_pid)]
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal must not kill it mid-write
            )
        self.pid_file.write_text(f"{process.pid} {self.port}")
        try:
            self._wait_until_ready(timeout_s, process)
        except BaseException:
            self.stop()
            raise
        return self.uri

    def _wait_until_ready(
        self, timeout_s: float, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise LocalNeo4jError(
                    f"Neo4j exited with code {process.returncode} while starting; "
                    f"last lines of {self.log_file}:\n{self._log_tail()}"
                )
            try:
                # verify_connectivity fails at once; execute_query would retry (and log) for 30 s
                with GraphDatabase.driver(self.uri, auth=None) as driver:
                    driver.verify_connectivity()
                return
            except (ServiceUnavailable, OSError):
                time.sleep(0.5)
        raise LocalNeo4jError(
            f"Neo4j did not answer on {self.uri} within {timeout_s:.0f} s; "
            f"last lines of {self.log_file}:\n{self._log_tail()}"
        )

    def stop(self, timeout_s: float = 60.0) -> bool:
        """Stop cleanly (SIGTERM runs Neo4j's shutdown); SIGKILL only after the timeout.

        Returns False when nothing was running.
        """
        pid = self.running_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _alive(pid: int) -> bool:
    # Reap it if it is our own exited child, so it does not linger as a zombie.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a JVM killed while another process (`hub run`) is its parent stays a zombie until that
    # parent reaps it: it answers signals but serves nothing, so `hub db start` must not wait on it
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether `pid` has exited and waits for its parent to reap it (Linux's /proc state Z)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (not Linux) or gone meanwhile: `kill` above decided
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
