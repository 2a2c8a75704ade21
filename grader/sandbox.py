"""Where student code runs: one sandboxed process per rubric item, and nothing survives it.

On Linux with bubblewrap (`bwrap`, Debian's `bubblewrap`) each item runs in its own sandbox:

* the system (`/usr`, `/lib*`, `/bin`), the Python installation and the grading venv are
  mounted read-only; nothing else of the machine is there (no home, no instructor's checkout,
  no hidden tests, no `/etc`);
* the submission is a private writable *copy* (`/submission`), made for this item and deleted
  after it, with its own `/tmp` beside it;
* `--unshare-all` (no network, own IPC, UTS, user, cgroup namespaces), `--unshare-pid` (its own
  PID namespace: when the item's main process ends, the kernel kills everything it started,
  detached or not), `--die-with-parent` (killed with the grader), `--new-session`;
* resource limits per item (set before `bwrap` starts, inherited by everything inside): CPU
  seconds, address space, file size, number of processes;
* a wall-clock timeout that kills the whole process group, and a cap on captured output: the
  pipes are read as they fill, and past the cap the item is killed.

Without bubblewrap the grader says so loudly on stderr and falls back to the limits, a new
session and a process-group kill: then student code runs as the grader's user and can read and
write what that user can. As root, RLIMIT_NPROC does not bind (the kernel exempts root); a fork
bomb is then stopped by the PID namespace and the timeout, not by the limit.
"""

from __future__ import annotations

import functools
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Caps and limits of one item (the rubric gives each item its own wall-clock time limit).
OUTPUT_CAP = 8 * 1024 * 1024  # bytes of stdout (the results) and of stderr (the log), each
ADDRESS_SPACE = 6 * 1024**3  # bytes: numpy and scipy map a lot of virtual memory, numba more
FILE_SIZE = 64 * 1024 * 1024  # bytes: the largest file the item may write
PROCESSES = 512  # more than the user runs already

_WARNED = False
#: The items' processes still running: `kill_all` ends them when the grader is stopped.
RUNNING: set[subprocess.Popen] = set()
STOPPING = threading.Event()


@functools.cache
def _working_bwrap(exe: str) -> str:
    """ "" if `exe` can make a sandbox here, else why not (a container may forbid namespaces)."""
    try:
        probe = subprocess.run(
            [exe, *_ro_mounts(), "--unshare-all", "--unshare-pid", "--die-with-parent", "--", "/bin/true"],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return "" if probe.returncode == 0 else probe.stderr.decode("utf-8", "replace").strip()[:300]


def bwrap() -> str | None:
    """The bubblewrap executable, if it can make a sandbox here; else None (limits only)."""
    if os.environ.get("GRADER_NO_BWRAP") == "1":  # the fallback, on purpose (its test)
        return None
    exe = shutil.which("bwrap")
    return exe if exe is not None and not _working_bwrap(exe) else None


def warn_if_unsandboxed() -> None:
    """Say once, loudly, on stderr, that student code is about to run without bubblewrap."""
    global _WARNED
    if bwrap() is None and not _WARNED:
        _WARNED = True
        exe = shutil.which("bwrap")
        why = (
            f"bubblewrap ({exe}) cannot make a sandbox here: {_working_bwrap(exe)}"
            if exe and os.environ.get("GRADER_NO_BWRAP") != "1"
            else "bubblewrap (bwrap) is not installed (or GRADER_NO_BWRAP=1)"
        )
        print(
            f"WARNING: {why}\n"
            "WARNING: student code runs WITHOUT a sandbox, only under resource limits, in a new\n"
            "WARNING: session, killed as a process group. It can read and write whatever this user\n"
            "WARNING: can. Install bubblewrap (Debian: apt-get install bubblewrap) where it may run.",
            file=sys.stderr,
            flush=True,
        )


def site_dirs() -> list[str]:
    """The grading environment's package folders (numpy): added to the child's sys.path
    by hand, since it runs with `-I -S` (no site, so no .pth file and no editable install)."""
    paths = sysconfig.get_paths()
    return list(dict.fromkeys(str(Path(paths[k]).resolve()) for k in ("purelib", "platlib")))


def _ro_mounts() -> list[str]:
    """Read-only bind mounts: the system, the Python installation, the venv."""
    args = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        p = Path(top)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), top]
        elif p.is_dir():
            args += ["--ro-bind", top, top]
    extra = {str(Path(sys.base_prefix).resolve()), str(Path(sys.prefix).resolve())}
    extra.add(str(Path(sys.executable).resolve().parent.parent))
    for path in sorted(extra):
        if not path.startswith(("/usr/", "/bin/", "/lib")) and path != "/usr":
            args += ["--ro-bind", path, path]
    if Path(sys.prefix) != Path(sys.prefix).resolve() or sys.prefix != sys.base_prefix:
        args += ["--ro-bind", sys.prefix, sys.prefix]  # the venv as its path is spelled
    # a package named like the graded code, installed in the venv, is masked: `import lab` must
    # find the submission's, or nothing
    for site in site_dirs():
        for name in ("lab", "instructor", "grader"):
            if (Path(site) / name).is_dir():
                args += ["--tmpfs", str(Path(site) / name)]
    return args


@dataclass
class Run:
    """What one sandboxed process did."""

    returncode: int | None  # None: killed by the grader (see `why`)
    stdout: bytes
    stderr: bytes
    seconds: float
    why: str = ""  # "timeout", "output" (past the cap) or ""


def _user_processes() -> int:
    """How many processes this user runs now (RLIMIT_NPROC counts them all, not the item's only)."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def _limits(cpu_seconds: float):
    nproc = PROCESSES + _user_processes()

    def apply() -> None:
        cpu = max(1, int(cpu_seconds) + 1)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE, FILE_SIZE))
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all() -> None:
    """Kill every item's process group still running (the grader is being stopped)."""
    STOPPING.set()
    for proc in list(RUNNING):
        _kill_group(proc)


def command(worker: Path, copy: Path, tmp: Path, request: Path) -> list[str]:
    """The command line that runs `worker` on the submission copy `copy` (with `tmp` as /tmp)."""
    python = [sys.executable, "-I", "-S", "-B"]
    exe = bwrap()
    if exe is None:
        return [*python, str(worker), str(request), str(copy)]
    setenv = [a for k, v in child_env(Path("/tmp")).items() for a in ("--setenv", k, v)]
    # bwrap mounts in order, a later mount over an earlier one: the item's /tmp goes first, so that
    # a Python or venv that lives under /tmp (CI's `mktemp -d` venv) is mounted over it, not hidden
    return [
        exe,
        "--bind",
        str(tmp),
        "/tmp",
        *_ro_mounts(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--bind",
        str(copy),
        "/submission",
        "--ro-bind",
        str(worker),
        "/grader/worker.py",
        "--ro-bind",
        str(request),
        "/grader/request.json",
        "--unshare-all",
        "--unshare-pid",
        "--die-with-parent",
        "--new-session",
        "--chdir",
        "/submission",
        "--clearenv",
        *setenv,
        *python,
        "/grader/worker.py",
        "/grader/request.json",
        "/submission",
    ]


def run(argv: list[str], *, timeout: float, env: dict[str, str], cwd: Path, cap: int = OUTPUT_CAP) -> Run:
    """Run `argv` under the limits; read its stdout and stderr (each up to `cap` bytes) as they
    come; kill its whole process group at `timeout` seconds or past the cap."""
    if STOPPING.is_set():
        raise KeyboardInterrupt("the grader is stopping")
    start = time.monotonic()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        start_new_session=True,
        preexec_fn=_limits(timeout),
        close_fds=True,
    )
    RUNNING.add(proc)
    chunks: dict[str, list[bytes]] = {"stdout": [], "stderr": []}
    sizes = {"stdout": 0, "stderr": 0}
    why = ""
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ, "stdout")
            sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
            open_pipes = 2
            while open_pipes and not why:
                left = timeout - (time.monotonic() - start)
                if left <= 0:
                    why = "timeout"
                    break
                for key, _ in sel.select(timeout=min(left, 1.0)):
                    data = os.read(key.fileobj.fileno(), 65536)
                    if not data:
                        sel.unregister(key.fileobj)
                        open_pipes -= 1
                        continue
                    name = key.data
                    room = cap - sizes[name]
                    chunks[name].append(data[:room])
                    sizes[name] += len(data)
                    if sizes[name] > cap:
                        why = "output"
                        break
        if why:
            _kill_group(proc)
        try:
            returncode = proc.wait(timeout=max(1.0, timeout - (time.monotonic() - start)))
        except subprocess.TimeoutExpired:
            why = why or "timeout"
            _kill_group(proc)
            returncode = proc.wait(timeout=30)
    finally:
        _kill_group(proc)  # whatever is left of the group (the fallback: detached children too)
        for pipe in (proc.stdout, proc.stderr):
            pipe.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        RUNNING.discard(proc)
    return Run(
        returncode=None if why else returncode,
        stdout=b"".join(chunks["stdout"]),
        stderr=b"".join(chunks["stderr"]),
        seconds=time.monotonic() - start,
        why=why,
    )


def child_env(tmp: Path) -> dict[str, str]:
    """The environment of the child: nothing of the grader's but the basics (bwrap clears it too)."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMBA_NUM_THREADS": "1",
        "NUMBA_CACHE_DIR": str(tmp),
        "MPLCONFIGDIR": str(tmp),
    }
