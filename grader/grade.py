"""Grade a checkout of the pack: run the rubric's tests, public and hidden, and print the score.

    python -m lab.grade [PATH] [--json FILE] [--only ITEM ...] [--skip ITEM ...]
                        [--hidden DIR] [--time-limit SECONDS] [--jobs N]

PATH (default: the current folder) is the instructor's checkout, or a student's copy of the
release with the stubs filled in. The rubric, `lab/grading/rubric.toml` beside this file, lists
the items and their points; its tests live in `lab/grading/public/` (shipped to the students)
and `lab/grading/hidden/` (kept by the instructor; `--hidden DIR` points elsewhere). Without
hidden tests, items are graded on their public tests only, and the report says so.

Each item runs in its own process, with cwd and PYTHONPATH set to PATH, under the item's time
limit: a crash or an endless loop in the graded code costs that item only, and the grader always
prints one line per item, then `Score: x/y`. `--json FILE` writes the same as JSON. The item
processes are forked from a launcher that has imported pytest, numpy and scipy once (never the
graded `lab`), so that each starts in a fraction of the second a fresh Python needs to import them.

This module imports nothing from `lab` and needs only the standard library (plus pytest, numpy
and scipy in the item processes). Run as a script, `python lab/grade.py PATH`, it grades even a
checkout whose `lab` package fails to import.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import itertools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import traceback
import warnings
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

GRADING = Path(__file__).resolve().parent / "grading"

_RUNNING: set = set()  # the item processes running now (_Fresh, _Forked), killed if the grader stops
_STOPPING = threading.Event()  # set when the grader stops: no new item process starts
_LAUNCHER_FLAG = "--serve-item-processes"  # `python lab/grade.py FLAG` runs the launcher (internal)
_PRELOAD = ("pytest", "numpy", "scipy.special")  # what the launcher imports once for every item


class RubricError(ValueError):
    """The rubric file is malformed or names a test file that does not exist."""


@dataclass
class Item:
    id: str
    title: str
    points: float
    time_limit: float
    public: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    notebooks: str | None = None


@dataclass
class Result:
    id: str
    title: str
    points: float
    max_points: float
    status: str  # passed, failed, error, timed out, crashed
    detail: str
    seconds: float
    hidden_tests: bool
    output: str = ""


def load_rubric(path: Path, hidden_dir: Path | None) -> list[Item]:
    """Read and check the rubric at `path`; test files are looked up beside it (and in `hidden_dir`)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RubricError(f"cannot read the rubric {path}: {exc}") from None
    items, seen = [], set()
    for n, raw in enumerate(data.get("item", []), 1):
        where = f"{path}: item {n}"
        unknown = set(raw) - {"id", "title", "points", "time_limit", "public", "hidden", "notebooks"}
        if unknown:
            raise RubricError(f"{where}: unknown keys {sorted(unknown)}")
        try:
            item = Item(
                id=str(raw["id"]),
                title=str(raw.get("title", raw["id"])),
                points=float(raw["points"]),
                time_limit=float(raw["time_limit"]),
                public=list(raw.get("public", [])),
                hidden=list(raw.get("hidden", [])),
                notebooks=raw.get("notebooks"),
            )
        except KeyError as exc:
            raise RubricError(f"{where}: missing key {exc}") from None
        except (TypeError, ValueError) as exc:
            raise RubricError(f"{where}: {exc}") from None
        if item.id in seen:
            raise RubricError(f"{where}: the id {item.id!r} is used twice")
        seen.add(item.id)
        if item.points < 0 or item.time_limit <= 0:
            raise RubricError(f"{where} ({item.id}): points must be >= 0 and time_limit > 0")
        if bool(item.notebooks) == bool(item.public or item.hidden):
            raise RubricError(
                f"{where} ({item.id}): give either tests (public/hidden) or notebooks, not both"
            )
        for folder, tests in ((path.parent / "public", item.public), (hidden_dir, item.hidden)):
            for test in tests:
                if folder is not None and not (folder / test.split("::")[0]).is_file():
                    raise RubricError(f"{where} ({item.id}): no test file {folder / test.split('::')[0]}")
        items.append(item)
    if not items:
        raise RubricError(f"{path}: the rubric has no [[item]]")
    return items


_ANSI = re.compile(r"(\x1b|#x1B)\[[0-9;]*m")  # colours; JUnit XML spells ESC as "#x1B"


def _path(dotted: str) -> str:
    """A JUnit class name as a path: "public.test_sgd" -> "public/test_sgd", "nb.a.ipynb" -> "nb/a.ipynb"."""
    stem, dot, ext = dotted.rpartition(".ipynb") if dotted.endswith(".ipynb") else (dotted, "", "")
    return stem.replace(".", "/") + dot + ext


def _junit_summary(path: Path) -> tuple[int, list[str]]:
    """(number of tests run, one line per test that did not pass) from a JUnit XML report."""
    if not path.is_file():
        return 0, []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return 0, []
    total, problems = 0, []
    for case in root.iter("testcase"):
        total += 1
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                message = _ANSI.sub("", node.get("message") or "").strip()
                text = _ANSI.sub("", node.text or "")
                lines = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
                if lines and (not message or message == "collection failure"):
                    message = lines[-1]  # the exception itself, e.g. a SyntaxError in the graded code
                elif message.startswith("Notebook cell execution failed"):  # nbval: the cell's exception
                    message = ([ln.strip() for ln in text.splitlines() if ln.strip()] or [message])[-1]
                first = (message.splitlines() or [tag])[0]
                first = first if len(first) <= 110 else first[:109] + "…"
                name, module = case.get("name", "?"), case.get("classname", "")
                label = f"{_path(module)}::{name}" if module else _path(name)
                problems.append(f"{label}: {first}")
                break
    return total, problems


def _kill_group(proc) -> None:
    """Kill the item's process group (pytest and anything it started, a Jupyter kernel say)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --------------------------------------------------------------------------- item processes
# An item's process is `python -m pytest ARGS` in a session of its own (so that its whole process
# group can be killed), with stdin from /dev/null and stdout and stderr written to a log file.
# It is either forked by the launcher (_Forked) or, if the launcher cannot serve, started fresh
# (_Fresh). Both have `pid` and `wait(timeout) -> exit status` (negative: killed by that signal).
class _Fresh:
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


class _LauncherGone(RuntimeError):
    """The launcher is not running (it could not start, or it ended): start the item fresh."""


class _Forked:
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
            raise _LauncherGone("the launcher ended while the item ran")
        return self.returncode


class _Launcher:
    """A process that imports pytest, numpy and scipy once and forks a process for each item.

    It runs this file as a script (`python lab/grade.py --serve-item-processes`, see `_serve`), so it
    imports nothing from the graded checkout nor the `lab` package, and it runs no graded code
    itself: only the processes it forks do, each in a session of its own, exactly as `_Fresh`
    would run them. Requests and replies are JSON lines on its stdin and stdout.
    """

    _shared: _Launcher | None = None
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls) -> _Launcher:
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
            [sys.executable, str(Path(__file__).resolve()), _LAUNCHER_FLAG],
            cwd=tempfile.gettempdir(),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._lock = threading.Lock()  # guards _items and gone
        self._write_lock = threading.Lock()  # one request at a time on the launcher's stdin
        self._numbers = itertools.count()
        self._items: dict[int, _Forked] = {}
        self.gone = False
        threading.Thread(target=self._read, name="lab-grade-launcher", daemon=True).start()

    def start(self, argv: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float) -> _Forked:
        """Ask for an item process; if none has started after `timeout` seconds, end the launcher."""
        item = _Forked()
        request = {"argv": argv, "cwd": str(cwd), "env": env, "log": str(log)}
        with self._lock:
            if self.gone:
                raise _LauncherGone("the launcher is not running")
            number = next(self._numbers)
            self._items[number] = item
        try:
            with self._write_lock:
                self._proc.stdin.write(json.dumps({"n": number, **request}).encode() + b"\n")
                self._proc.stdin.flush()
        except (OSError, ValueError):  # the launcher is gone (ValueError: its stdin was closed)
            with self._lock:
                self._items.pop(number, None)
            raise _LauncherGone("the launcher is not running") from None
        if not item.started.wait(timeout):
            self._proc.kill()  # stuck: no later fork of this request can happen
            item.started.wait()
        if item.pid is None:
            raise _LauncherGone("the launcher ended before it started the item")
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


def _start_item(argv: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float):
    """Start an item's process: forked by the launcher, or fresh if the launcher cannot serve."""
    try:
        return _Launcher.shared().start(argv, cwd, env, log, timeout)
    except (_LauncherGone, OSError):
        return _Fresh(argv, cwd, env, log)


@atexit.register
def _close_launcher() -> None:
    if _Launcher._shared is not None:
        _Launcher._shared.close()


def _serve() -> None:
    """The launcher: import pytest, numpy and scipy, then fork one process per request on stdin.

    Each request is a JSON line {"n", "argv", "cwd", "env", "log"}; the replies, on stdout, are
    {"n", "pid"} once the process is forked and {"n", "returncode"} once it has ended. When stdin
    closes (the grader is done, or gone), it kills the process groups of items still running.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle
    warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
    del sys.path[0]  # this file's folder, lab/: nothing is imported from there
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


def run_item(item: Item, checkout: Path, workdir: Path, hidden: bool, time_limit: float) -> Result:
    """Run one rubric item in its own process and score it."""
    junit = workdir / "junit" / f"{item.id}.xml"
    common = ["-c", str(workdir / "pytest.ini"), f"--junitxml={junit}", "-o", "junit_suite_name=" + item.id]
    if item.notebooks:
        args = [
            "--rootdir",
            str(checkout),
            "-p",
            "nbval.plugin",
            "--nbval-lax",
            "--nbval-current-env",
            item.notebooks,
        ]
    else:
        nodes = [str(workdir / "public" / t) for t in item.public]
        nodes += [str(workdir / "hidden" / t) for t in item.hidden] if hidden else []
        args = ["--rootdir", str(workdir), *nodes]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(
        PYTHONPATH=str(checkout),
        LAB_GRADE_PATH=str(checkout),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        MPLBACKEND="Agg",
        PYTHONDONTWRITEBYTECODE="1",
    )
    log = workdir / "logs" / f"{item.id}.txt"
    start = time.monotonic()
    if _STOPPING.is_set():
        raise KeyboardInterrupt
    proc = _start_item([*common, *args], checkout, env, log, timeout=time_limit)
    _RUNNING.add(proc)
    timed_out, returncode = False, None
    try:
        try:
            returncode = proc.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            timed_out = True
            returncode = proc.wait()
    except _LauncherGone:
        pass  # a timeout stays a timeout; otherwise reported as a crash below
    finally:
        _kill_group(proc)  # whatever it left running
        _RUNNING.discard(proc)
    seconds = time.monotonic() - start
    output = log.read_bytes().decode("utf-8", "replace") if log.is_file() else ""
    total, problems = _junit_summary(junit)
    tail = [line for line in output.strip().splitlines() if line.strip()][-1:] or [""]
    if timed_out:
        status, detail = "timed out", f"killed after the time limit of {time_limit:g} s"
    elif returncode is None:
        status, detail = "crashed", "the grader lost track of the test process (its launcher ended)"
    elif returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else ""
        status, detail = "crashed", f"the test process died (signal {-returncode} {name})".rstrip()
    elif returncode == 0 and total > 0 and not problems:
        status, detail = "passed", f"{total} test{'s' if total > 1 else ''}"
    elif returncode in (2, 3, 4, 5):  # the tests could not run: a collection or usage error
        status = "error"
        detail = problems[0] if problems else f"pytest exit status {returncode}: {tail[0][:200]}"
    elif problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        status, detail = "failed", problems[0] + more
    else:
        status, detail = "crashed", f"the test process exited with status {returncode}: {tail[0][:200]}"
    return Result(
        id=item.id,
        title=item.title,
        points=item.points if status == "passed" else 0.0,
        max_points=item.points,
        status=status,
        detail=detail,
        seconds=round(seconds, 2),
        hidden_tests=hidden and bool(item.hidden),
        output="" if status == "passed" else output[-4000:],
    )


def _prepare(workdir: Path, rubric_dir: Path, hidden_dir: Path | None) -> None:
    """Copy the grading tests to `workdir`, away from the graded checkout and from the instructor's tree."""
    for name in ("pytest.ini", "conftest.py"):
        shutil.copy2(rubric_dir / name, workdir / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".git")
    shutil.copytree(rubric_dir / "public", workdir / "public", ignore=ignore)
    if hidden_dir is not None:
        shutil.copytree(hidden_dir, workdir / "hidden", ignore=ignore)
    (workdir / "junit").mkdir()
    (workdir / "logs").mkdir()


def _fmt(x: float) -> str:
    return f"{x:g}"


def grade(
    checkout: Path,
    *,
    rubric: Path = GRADING / "rubric.toml",
    hidden_dir: Path | None = None,
    only: list[str] | None = None,
    skip: list[str] | None = None,
    time_limit: float | None = None,
    jobs: int = 1,
    out=sys.stdout,
) -> dict:
    """Grade `checkout`; prints the report to `out` as items finish and returns it as a dict."""
    checkout = Path(checkout).resolve()
    if hidden_dir is None and (rubric.parent / "hidden").is_dir():
        hidden_dir = rubric.parent / "hidden"
    if hidden_dir is not None and not Path(hidden_dir).is_dir():
        raise RubricError(f"--hidden {hidden_dir}: no such folder")
    hidden = hidden_dir is not None
    items = load_rubric(rubric, Path(hidden_dir) if hidden else None)
    ids = [item.id for item in items]
    for name in (only or []) + (skip or []):
        if name not in ids:
            raise RubricError(f"no rubric item {name!r}; the items are: {', '.join(ids)}")
    chosen = [i for i in items if (not only or i.id in only) and i.id not in (skip or [])]
    left_out = [i.id for i in items if i not in chosen]

    print(f"Grading {checkout}", file=out)
    print(
        "hidden tests: "
        + (f"yes ({hidden_dir})" if hidden else "NOT AVAILABLE - items are graded on their public tests only")
        + (f"; not graded this run: {', '.join(left_out)}" if left_out else ""),
        file=out,
    )
    width = max(len(i.id) for i in chosen) if chosen else 0
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="lab-grade-") as tmp:
        workdir = Path(tmp)
        _prepare(workdir, rubric.parent, Path(hidden_dir) if hidden else None)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            # The items with the longest time limits start first, so that with --jobs N a long
            # one (the notebooks) does not start last; the report keeps the rubric's order.
            started = {
                item.id: pool.submit(run_item, item, checkout, workdir, hidden, time_limit or item.time_limit)
                for item in sorted(chosen, key=lambda item: -item.time_limit)
            }
            futures = [started[item.id] for item in chosen]
            try:
                for future in futures:  # in rubric order, each as soon as it is done
                    r = future.result()
                    results.append(r)
                    mark = (
                        ""
                        if r.hidden_tests or not chosen[len(results) - 1].hidden
                        else " [public tests only]"
                    )
                    print(
                        f"{r.id:<{width}}  {_fmt(r.points):>4}/{_fmt(r.max_points):<4} {r.title}: "
                        f"{r.status} ({r.detail}, {r.seconds:.1f} s){mark}",
                        file=out,
                        flush=True,
                    )
            except BaseException:  # Ctrl-C, SIGTERM: stop every item's process before leaving
                _STOPPING.set()
                for future in futures:
                    future.cancel()
                for proc in list(_RUNNING):
                    _kill_group(proc)
                raise
    score, total = sum(r.points for r in results), sum(r.max_points for r in results)
    print(f"Score: {_fmt(score)}/{_fmt(total)}", file=out, flush=True)
    return {
        "path": str(checkout),
        "hidden_tests": hidden,
        "not_graded": left_out,
        "score": score,
        "max_score": total,
        "items": [asdict(r) for r in results],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.grade", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "path", nargs="?", default=".", help="the checkout to grade (default: the current folder)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    parser.add_argument("--only", nargs="+", metavar="ITEM", help="grade only these rubric items")
    parser.add_argument("--skip", nargs="+", metavar="ITEM", help="leave these rubric items out")
    parser.add_argument(
        "--hidden", metavar="DIR", help="the hidden tests' folder (default: lab/grading/hidden)"
    )
    parser.add_argument(
        "--rubric", metavar="FILE", default=str(GRADING / "rubric.toml"), help="the rubric file"
    )
    parser.add_argument("--time-limit", type=float, metavar="SECONDS", help="use this limit for every item")
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="run N items at once (default 1)"
    )
    args = parser.parse_args(argv)

    def stop(signum, frame):
        raise KeyboardInterrupt

    if argv is None:  # the command line: on SIGTERM as on Ctrl-C, kill the items' processes too
        signal.signal(signal.SIGTERM, stop)
    checkout = Path(args.path)
    if not (checkout / "lab").is_dir():
        print(
            f"python -m lab.grade: error: {checkout} has no lab/ folder: not a checkout of the pack",
            file=sys.stderr,
        )
        return 2
    if args.time_limit is not None and not args.time_limit > 0:
        print("python -m lab.grade: error: --time-limit must be > 0", file=sys.stderr)
        return 2
    try:
        report = grade(
            checkout,
            rubric=Path(args.rubric),
            hidden_dir=Path(args.hidden) if args.hidden else None,
            only=args.only,
            skip=args.skip,
            time_limit=args.time_limit,
            jobs=args.jobs,
        )
    except RubricError as exc:
        print(f"python -m lab.grade: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m lab.grade: interrupted", file=sys.stderr)
        return 130
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == [_LAUNCHER_FLAG]:
        _serve()
    else:
        raise SystemExit(main())
