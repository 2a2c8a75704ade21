"""How an item's process starts, is waited for and is killed.

An item's process is `python -m pytest ARGS` in a session of its own (so that its whole process
group can be killed), with stdin from /dev/null and stdout and stderr written to a log file. It is
either forked by the launcher (`Forked`, see `grader/launcher.py`) or, if the launcher cannot
serve, started fresh (`Fresh`). Both have `pid` and `wait(timeout) -> exit status` (negative:
killed by that signal).
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .launcher import LAUNCHER_FLAG

LAUNCHER = Path(__file__).resolve().parent / "launcher.py"
RUNNING: set = set()  # the item processes running now (Fresh, Forked), killed if the grader stops
STOPPING = threading.Event()  # set when the grader stops: no new item process starts


def kill_group(proc) -> None:
    """Kill the item's process group (pytest and anything it started, a Jupyter kernel say)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Fresh:
    """`python -m pytest ARGS` started as a new Python process."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], log: Path):
        with open(log, "wb") as out:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "pytest", *argv],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self._proc.pid

    def wait(self, timeout: float | None = None) -> int:
        return self._proc.wait(timeout)


class LauncherGone(RuntimeError):
    """The launcher is not running (it could not start, or it ended): start the item fresh."""


class Forked:
    """An item process forked by the launcher; the launcher reports its pid, then its exit status."""

    def __init__(self):
        self.pid: int | None = None
        self.returncode: int | None = None
        self.started = threading.Event()
        self.done = threading.Event()

    def wait(self, timeout: float | None = None) -> int:
        if not self.done.wait(timeout):
            raise subprocess.TimeoutExpired("pytest", timeout)
        if self.returncode is None:  # the launcher ended first: the item's group is killed below
            raise LauncherGone("the launcher ended while the item ran")
        return self.returncode


class Launcher:
    """A process that imports pytest, numpy and scipy once and forks a process for each item.

    It runs `grader/launcher.py` as a script (`python grader/launcher.py --serve-item-processes`), so it
    imports nothing from the graded checkout nor the `lab` package, and it runs no graded code
    itself: only the processes it forks do, each in a session of its own, exactly as `Fresh`
    would run them. Requests and replies are JSON lines on its stdin and stdout.
    """

    _shared: Launcher | None = None
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls) -> Launcher:
        """The launcher of this process, started on first use and ended when the process exits."""
        with cls._shared_lock:
            if cls._shared is None or cls._shared.gone:
                cls._shared = cls()
            return cls._shared

    def __init__(self):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # items set their own
        # numpy's BLAS on one thread: the launcher then has no thread besides its own when it forks.
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        self._proc = subprocess.Popen(
            [sys.executable, str(LAUNCHER), LAUNCHER_FLAG],
            cwd=tempfile.gettempdir(),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._lock = threading.Lock()  # guards _items and gone
        self._write_lock = threading.Lock()  # one request at a time on the launcher's stdin
        self._numbers = itertools.count()
        self._items: dict[int, Forked] = {}
        self.gone = False
        threading.Thread(target=self._read, name="lab-grade-launcher", daemon=True).start()

    def start(self, argv: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float) -> Forked:
        """Ask for an item process; if none has started after `timeout` seconds, end the launcher."""
        item = Forked()
        request = {"argv": argv, "cwd": str(cwd), "env": env, "log": str(log)}
        with self._lock:
            if self.gone:
                raise LauncherGone("the launcher is not running")
            number = next(self._numbers)
            self._items[number] = item
        try:
            with self._write_lock:
                self._proc.stdin.write(json.dumps({"n": number, **request}).encode() + b"\n")
                self._proc.stdin.flush()
        except (OSError, ValueError):  # the launcher is gone (ValueError: its stdin was closed)
            with self._lock:
                self._items.pop(number, None)
            raise LauncherGone("the launcher is not running") from None
        if not item.started.wait(timeout):
            self._proc.kill()  # stuck: no later fork of this request can happen
            item.started.wait()
        if item.pid is None:
            raise LauncherGone("the launcher ended before it started the item")
        return item

    def _read(self) -> None:
        for line in self._proc.stdout:
            reply = json.loads(line)
            with self._lock:
                item = self._items.get(reply["n"])
                if item is None:
                    continue
                if "pid" in reply:
                    item.pid = reply["pid"]
                    item.started.set()
                if "returncode" in reply:
                    item.returncode = reply["returncode"]
                    del self._items[reply["n"]]
                    item.done.set()
        with self._lock:  # the launcher ended: nothing waits for it forever
            self.gone = True
            for item in self._items.values():
                item.started.set()
                item.done.set()
            self._items.clear()

    def close(self) -> None:
        """End the launcher: it kills any item process still running, then exits."""
        try:
            with self._write_lock:
                self._proc.stdin.close()
            self._proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()


def start_item(argv: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float):
    """Start an item's process: forked by the launcher, or fresh if the launcher cannot serve."""
    try:
        return Launcher.shared().start(argv, cwd, env, log, timeout)
    except (LauncherGone, OSError):
        return Fresh(argv, cwd, env, log)


@atexit.register
def _close_launcher() -> None:
    if Launcher._shared is not None:
        Launcher._shared.close()
