"""The sandbox itself (grader/sandbox.py), probed from inside by a small script run in place of
the worker: what it can see and do, and how the grader stops it."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from grader_helpers import REPO

from grader import sandbox

PROBE = r"""
import json, os, socket, sys
request, submission = sys.argv[1], sys.argv[2]
facts = {"argv": sys.argv[1:], "path": sys.path, "flags": [sys.flags.isolated, sys.flags.no_site]}
def can(f):
    try:
        f()
        return True
    except Exception:
        return False
facts["sees_repo"] = os.path.exists(HIDDEN) or os.path.exists(REPO)
facts["writes_usr"] = can(lambda: open("/usr/grader-probe", "w"))
facts["writes_venv"] = can(lambda: open(os.path.join(sys.prefix, "grader-probe"), "w"))
facts["writes_submission"] = can(lambda: open(os.path.join(submission, "probe.txt"), "w").write("x"))
facts["writes_tmp"] = can(lambda: open("/tmp/probe.txt", "w").write("x"))
facts["network"] = can(lambda: socket.create_connection(("1.1.1.1", 53), timeout=2))
facts["pid"] = os.getpid()
facts["home"] = os.listdir("/")
facts["env"] = sorted(os.environ)
print(json.dumps(facts))
"""


def run_probe(tmp_path: Path, code: str, timeout: float = 60, cap: int = sandbox.OUTPUT_CAP):
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))
    script = tmp_path / "probe.py"
    script.write_text(
        code.replace("HIDDEN", repr(str(REPO / "instructor" / "hidden_tests"))).replace(
            "REPO)", repr(str(REPO)) + ")"
        ),
        encoding="utf-8",
    )
    copy, tmp = tmp_path / "submission", tmp_path / "tmp"
    copy.mkdir()
    tmp.mkdir()
    request = tmp_path / "request.json"
    request.write_text("{}")
    argv = sandbox.command(script, copy, tmp, request)
    return sandbox.run(argv, timeout=timeout, env=sandbox.child_env(tmp), cwd=tmp_path, cap=cap), copy


def test_the_sandbox_sees_only_the_system_the_venv_and_its_copy(tmp_path):
    assert sandbox.bwrap() is not None, "bubblewrap is needed (.ci/run installs it)"
    run, copy = run_probe(tmp_path, PROBE)
    assert run.returncode == 0, run.stderr
    facts = json.loads(run.stdout)
    assert facts["argv"] == ["/grader/request.json", "/submission"]
    assert facts["flags"] == [1, 1]  # python -I -S
    assert not facts["sees_repo"] and not facts["network"]
    assert not facts["writes_usr"] and not facts["writes_venv"]
    assert facts["writes_submission"] and facts["writes_tmp"]
    assert (copy / "probe.txt").read_text() == "x"  # the private copy, and nothing else, is written
    assert facts["pid"] < 10  # its own PID namespace
    assert set(facts["home"]) <= {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "proc", "dev"} | {
        "tmp",
        "submission",
        "grader",
        Path(sys.prefix).parts[1],
        Path(sys.base_prefix).parts[1],
    }, facts["home"]  # no /etc, no /home: the system, the Python installation, the venv, its copy
    assert "HOME" in facts["env"] and not any(k.startswith(("PYTEST", "GITHUB", "CI")) for k in facts["env"])


def test_the_sandbox_is_killed_at_its_time_limit_and_past_its_output_cap(tmp_path):
    start = time.monotonic()
    run, _ = run_probe(tmp_path, "import time\nwhile True:\n    time.sleep(0.1)\n", timeout=3)
    assert run.why == "timeout" and run.returncode is None and time.monotonic() - start < 15
    flood = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
    run, _ = run_probe(tmp_path, flood, cap=1 << 20)
    assert run.why == "output" and len(run.stdout) <= 1 << 20


def test_without_bubblewrap_the_command_is_plain_python_under_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_NO_BWRAP", "1")
    argv = sandbox.command(tmp_path / "w.py", tmp_path / "c", tmp_path / "t", tmp_path / "r.json")
    assert argv[:4] == [sys.executable, "-I", "-S", "-B"]


def test_a_venv_under_tmp_is_mounted_over_the_items_tmp_not_hidden_by_it(tmp_path, monkeypatch):
    # bwrap mounts in order; CI's venv lives in `mktemp -d` under /tmp, so the item's /tmp must be
    # mounted before the venv's read-only bind, or the child finds no Python
    if sandbox.bwrap() is None:
        raise AssertionError("bubblewrap is needed here (.ci/run installs it)")
    venv = "/tmp/tmp.ci/venv"
    monkeypatch.setattr(sandbox, "_ro_mounts", lambda: ["--ro-bind", venv, venv])
    argv = sandbox.command(tmp_path / "w.py", tmp_path / "copy", tmp_path / "tmp", tmp_path / "r.json")
    tmp_bind = next(i for i in range(len(argv) - 2) if argv[i] == "--bind" and argv[i + 2] == "/tmp")
    assert tmp_bind < argv.index(venv)
