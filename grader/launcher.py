"""The launcher: a process that imports pytest, numpy and scipy once, then forks one item process
per request, so that each starts in a fraction of the second a fresh Python needs to import them.

Run as a script, `python grader/launcher.py --serve-item-processes` (by `grader.processes`): it
imports nothing from the grader package, the graded checkout nor `lab`, and runs no graded code
itself; only the processes it forks do. Standard library only.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import select
import signal
import sys
import time
import traceback
import warnings

LAUNCHER_FLAG = "--serve-item-processes"
_PRELOAD = ("pytest", "numpy", "scipy.special")  # what the launcher imports once for every item


def _serve() -> None:
    """The launcher: import pytest, numpy and scipy, then fork one process per request on stdin.

    Each request is a JSON line {"n", "argv", "cwd", "env", "log"}; the replies, on stdout, are
    {"n", "pid"} once the process is forked and {"n", "returncode"} once it has ended. When stdin
    closes (the grader is done, or gone), it kills the process groups of items still running.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle
    warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
    del sys.path[0]  # this file's folder, grader/: nothing is imported from there
    base = sys.path[:]
    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # whatever is missing, each item imports (and reports) itself
            pass
    children: dict[int, int] = {}  # pid -> request number
    pending, serving = b"", True

    def stop() -> None:
        """The grader is done, or gone: kill every item still running, serve no more."""
        nonlocal serving
        serving = False
        for pid in children:  # not reaped yet, so these pids are still theirs
            for kill in (os.killpg, os.kill):  # the group; the process itself, if not in it yet
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def reply(message: dict) -> None:
        try:
            os.write(1, json.dumps(message).encode() + b"\n")
        except OSError:
            stop()

    while serving or children:
        if serving and select.select([0], [], [], 0.02 if children else None)[0]:
            data = os.read(0, 1 << 16)
            if not data:  # stdin closed
                stop()
            pending += data
            while serving and b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _run_forked_item(request, base)  # never returns
                children[pid] = request["n"]
                reply({"n": request["n"], "pid": pid})
        elif not serving:
            time.sleep(0.02)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            if pid in children:
                reply({"n": children.pop(pid), "returncode": os.waitstatus_to_exitcode(status)})


def _run_forked_item(request: dict, base: list[str]) -> None:
    """In the forked process: become `python -m pytest ARGV` run in `cwd` with `env`; never return."""
    status = 1
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        # What `python -m pytest` in cwd with this PYTHONPATH would have on sys.path.
        extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        sys.path[:] = [os.getcwd(), *extra, *base]
        sys.argv = ["pytest", *request["argv"]]
        import pytest

        status = pytest.console_main()
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # reported in the item's log, as a fresh process would
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()  # what a normal exit would run; then leave without the launcher's
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


if __name__ == "__main__":
    if sys.argv[1:] != [LAUNCHER_FLAG]:
        raise SystemExit(f"usage: python {sys.argv[0]} {LAUNCHER_FLAG} (started by the grader)")
    _serve()
