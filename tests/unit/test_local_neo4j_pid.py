"""Whether the local Neo4j of a home is running, as `hub db start` and `hub db status` judge it.

A JVM killed (`kill -9`) while `hub run` is its parent stays a zombie until `hub run` reaps it:
it still answers `kill -0`, but serves nothing. Judged alive, `hub db start` waited three
minutes for it and failed instead of starting a new one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graph_kit import wait_until

from hub.localdb.runner import LocalNeo4j

# a parent that starts a child, prints its pid, and never reaps it
NEGLECTFUL_PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                         stdin=subprocess.PIPE)
print(child.pid, flush=True)
child.stdin.close()  # the child ends now; its parent never waits for it
sys.stdin.read()
"""

LIVING_PARENT = NEGLECTFUL_PARENT.replace("child.stdin.close()", "pass")


def state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def launcher_of(tmp_path: Path, script: str) -> tuple[subprocess.Popen[str], LocalNeo4j, int]:
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    local = LocalNeo4j(home=tmp_path, port=7999)
    local.pid_file.write_text(f"{child} 7999")
    return parent, local, child


def test_a_killed_launcher_its_parent_has_not_reaped_is_not_running(tmp_path: Path) -> None:
    parent, local, child = launcher_of(tmp_path, NEGLECTFUL_PARENT)
    try:
        assert wait_until(lambda: state(child) == "Z", timeout_s=30)
        assert local.running_pid() is None
        assert not local.pid_file.exists()  # the stale pid file is cleared for the next start
    finally:
        parent.kill()
        parent.wait()


def test_a_launcher_still_running_is_running(tmp_path: Path) -> None:
    # the twin: a live child of another parent is the running launcher
    parent, local, child = launcher_of(tmp_path, LIVING_PARENT)
    try:
        assert local.running_pid() == child
    finally:
        parent.kill()
        parent.wait()
