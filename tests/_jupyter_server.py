"""A JupyterLab server for the browser tests: started on a free local port, stopped by its ids.

`JupyterLab(root_dir, state_dir)` runs `python -m jupyter lab` from the current interpreter on
127.0.0.1 with no token and no password, serving `root_dir`. Every directory Jupyter would
otherwise read or write in the user's home (config, data, runtime, settings, workspaces, IPython)
is moved under `state_dir`, so a test never depends on, nor changes, the machine's Jupyter state.

Stopping shuts the kernels down through the server's REST API, then terminates the server, then
ends any process it started that is still alive (kernels run in their own sessions, so they are
found as the server's children and ended by pid, never by name).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

# User settings the server starts with: no toast asking about Jupyter news or updates, which
# would otherwise cover part of the screenshot and make JupyterLab request a website.
_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterLab:
    """One `jupyter lab` process serving `root_dir`; use as a context manager."""

    def __init__(self, root_dir: Path, state_dir: Path, *, startup_timeout: float = 90.0):
        self.root_dir = Path(root_dir)
        self.state_dir = Path(state_dir)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = self.state_dir / "jupyter-lab.log"
        self.process: subprocess.Popen | None = None
        self._children: dict[int, float] = {}  # pid -> create_time, of every process it started
        # The server sets an `_xsrf` cookie on its pages; requests that change state echo it in a header.
        self._cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._cookies))

    # -- life cycle ------------------------------------------------------------------------
    def __enter__(self) -> JupyterLab:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        dirs = {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "settings",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython",
        }
        for var, name in dirs.items():
            path = self.state_dir / name
            path.mkdir(parents=True, exist_ok=True)
            env[var] = str(path)
        env.pop("JUPYTER_TOKEN", None)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _write_settings(self) -> None:
        for name, values in _SETTINGS.items():
            path = self.state_dir / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))

    def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        env = self._environment()
        self._write_settings()
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",
        ]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            cmd,
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C in pytest does not reach it
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {self.process.returncode} before answering:\n{self.log()}"
                )
            try:
                self.api("GET", "api/status", timeout=2)
                self.api("GET", "lab", timeout=10, raw=True)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        raise TimeoutError(
            f"jupyter lab did not answer on {self.url} in {self.startup_timeout:.0f} s:\n{self.log()}"
        )

    def log(self) -> str:
        """The server's combined stdout and stderr so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _remember_children(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                try:
                    self._children[child.pid] = child.create_time()
                except psutil.Error:
                    pass
        except psutil.Error:
            pass

    def stop(self) -> None:
        """Shut kernels down via the API, stop the server, end any process it left behind."""
        if self.process is None:
            return
        self._remember_children()
        if self.process.poll() is None:
            try:
                self.shutdown_kernels()
            except (OSError, urllib.error.URLError, ValueError):
                pass
            self._remember_children()
            self.process.terminate()  # SIGTERM: jupyter_server shuts its kernels down, then exits
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for pid, created in self._children.items():
            try:
                proc = psutil.Process(pid)
                if proc.create_time() == created:  # the same process, not a reused pid
                    proc.kill()
                    proc.wait(timeout=5)
            except psutil.Error:
                pass
        self._log.close()
        self.process = None

    # -- REST API --------------------------------------------------------------------------
    def api(self, method: str, path: str, *, timeout: float = 10, raw: bool = False):
        request = urllib.request.Request(self.url + path, method=method)
        xsrf = [cookie.value for cookie in self._cookies if cookie.name == "_xsrf"]
        if method != "GET" and xsrf:
            request.add_header("X-XSRFToken", xsrf[0])
        with self._opener.open(request, timeout=timeout) as response:
            body = response.read()
        if raw or not body:
            return body
        return json.loads(body)

    def kernels(self) -> list[dict]:
        self._remember_children()
        return self.api("GET", "api/kernels")

    def sessions(self) -> list[dict]:
        return self.api("GET", "api/sessions")

    def kernel_for(self, notebook: str) -> dict | None:
        """The kernel model (id, execution_state, last_activity) of the session for `notebook`."""
        for session in self.sessions():
            if session.get("path") == notebook and session.get("kernel"):
                for kernel in self.kernels():
                    if kernel["id"] == session["kernel"]["id"]:
                        return kernel
        return None

    def close_sessions(self) -> None:
        """End every session; the server shuts their kernels down."""
        self._remember_children()
        for session in self.sessions():
            self.api("DELETE", f"api/sessions/{session['id']}")

    def shutdown_kernels(self) -> None:
        for kernel in self.kernels():
            self.api("DELETE", f"api/kernels/{kernel['id']}")
