"""Drive JupyterLab in headless Chromium the way a student does, and collect what goes wrong.

`find_chromium()` locates the browser (Playwright cannot download one here: we use Debian's).
`LabPage` is JupyterLab loaded once in a page; `LabPage.open` opens a notebook with File > Open
from Path…, and the `LabNotebook` it returns runs it with Run > Run All Cells, waits until the
kernel is idle, reports front-end errors and closes it with File > Close and Shut Down.

Front-end errors: browser console errors and uncaught page errors, widgets that fail to render,
widgets shown as their plain-text repr (the widget extension did not load), and error or stderr
outputs (tracebacks, warnings). Checks return a list of problems, each a short readable string,
so a test can both assert there are none and assert that a deliberately broken notebook has some.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from time_budget import notebook_seconds

from lab import engine

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-crash-reporter",  # no crashpad handler outliving the browser, no writes under ~/.config
    "--disable-breakpad",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--metrics-recording-only",
    "--mute-audio",
]

# Console errors that are not failures of the pack. Each entry: (regex on the message, why).
# Keep this list short and specific: anything else logged as an error fails the test.
BENIGN_CONSOLE_ERRORS: list[tuple[str, str]] = []

STDERR = "application/vnd.jupyter.stderr"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# The one line lab prints when it trains on the readable loop (LAB_ENGINE=python, no numba, or the
# students' release, which has no kernel): wanted, not an error. On the kernel no notebook prints it.
ENGINE_NOTE = engine.readable_notice()


def find_chromium() -> str | None:
    """Path of a Chromium executable: $LAB_CHROMIUM if set (and only it), else Debian's
    /usr/bin/chromium or `chromium` on PATH; None if there is none."""
    override = os.environ.get("LAB_CHROMIUM")
    candidates = [override] if override else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@cache
def widget_repr() -> re.Pattern:
    """The start of an ipywidgets widget's text repr, "VBox(" say: shown instead of the widget
    when the widget extension did not render it."""
    import ipywidgets

    names, todo = set(), [ipywidgets.DOMWidget]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return re.compile(rf"^({'|'.join(map(re.escape, sorted(names)))})\(")


@dataclass
class ConsoleLog:
    """Every console error and uncaught exception of one page, in order."""

    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught page error: {exc}"))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        location = message.location or {}
        where = location.get("url", "")
        for pattern, _why in BENIGN_CONSOLE_ERRORS:
            if re.search(pattern, text):
                self.ignored.append(text)
                return
        self.errors.append(f"console error: {text}" + (f" (at {where})" if where else ""))


class LabPage:
    """One JupyterLab page in the browser, in a workspace of its own, as a student keeps it open.

    Notebooks are opened in it one after another (`open`), each closed and its kernel shut down
    before the next (`LabNotebook.close`), so the app loads once for all of them.
    """

    def __init__(self, page, server, workspace: str = "browser-tests"):
        self.page = page
        self.server = server
        self.url = f"{server.url}lab/workspaces/{workspace}?reset"
        self.console = ConsoleLog()
        self.console.attach(page)

    def load(self, timeout: float = 90) -> None:
        """(Re)load JupyterLab with an empty workspace and wait until its file browser shows."""
        self.page.goto(self.url, timeout=timeout * 1000)
        self.page.locator(".jp-DirListing-item").first.wait_for(timeout=timeout * 1000)

    def menu(self, menu: str, command: str) -> None:
        """Click a main-menu item: the menu by its label, the item by its JupyterLab command."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
        self.page.locator(f".lm-Menu-item[data-command='{command}']").click()

    def open(self, name: str, timeout: float = 90) -> LabNotebook:
        """File > Open from Path…, then wait until the notebook shows and its kernel is idle."""
        start = len(self.console.errors)
        self.menu("File", "filebrowser:open-path")
        dialog = self.page.locator(".jp-Dialog")
        dialog.locator("input").fill(name)
        dialog.locator(".jp-mod-accept").click()
        nb = LabNotebook(self, name, console_start=start)
        nb.notebook.locator(".jp-Cell").first.wait_for(timeout=timeout * 1000)
        nb.wait_idle(timeout)
        return nb


class LabNotebook:
    """One notebook open in a `LabPage`; `name` is its path under the server's root."""

    def __init__(self, lab: LabPage, name: str, console_start: int = 0):
        self.lab = lab
        self.page = lab.page
        self.server = lab.server
        self.name = name
        self._console_start = console_start
        tab = self.page.locator(".jp-main-dock-panel .lm-TabBar-tab").filter(
            has=self.page.locator(
                ".lm-TabBar-tabLabel", has_text=re.compile(rf"^{re.escape(Path(name).name)}$")
            )
        )
        # One notebook is open at a time (each is closed before the next opens): the visible one.
        self.panel = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").filter(
            has=self.page.locator(".jp-Notebook")
        )
        self._tab = tab
        self.notebook = self.panel.locator(".jp-Notebook")
        self.indicator = self.panel.locator(".jp-Notebook-ExecutionIndicator")

    @property
    def console_errors(self) -> list[str]:
        """Console errors and uncaught page errors since this notebook was opened."""
        return self.lab.console.errors[self._console_start :]

    # -- actions ---------------------------------------------------------------------------
    def run_all(self, timeout: float | None = None) -> None:
        """Menu Run > Run All Cells, then wait until every cell has run and the kernel is idle
        (by default as long as tests/time_budget.py gives a notebook on this run's engine)."""
        self.lab.menu("Run", "runmenu:run-all")
        self.wait_idle(notebook_seconds(120) if timeout is None else timeout)

    def wait_idle(self, timeout: float = 120) -> None:
        """Wait until the kernel is idle and no cell is queued or running ("[*]").

        The execution indicator of the notebook's toolbar and the server's view of the kernel must
        both say idle twice in a row, 0.25 s apart, so a gap between two cells does not count.
        """
        deadline = time.monotonic() + timeout
        calm = 0
        while time.monotonic() < deadline:
            calm = calm + 1 if self.is_idle() else 0
            if calm >= 2:
                return
            time.sleep(0.25)
        raise TimeoutError(f"{self.name}: kernel not idle after {timeout:.0f} s: {self.status()}")

    def is_idle(self) -> bool:
        if self.indicator.get_attribute("data-status") != "idle":
            return False
        if self.running_prompts() > 0:
            return False
        kernel = self.kernel()
        return kernel is not None and kernel["execution_state"] == "idle"

    def running_prompts(self) -> int:
        # textContent: a prompt out of view has no innerText (see front_end_errors).
        prompts = self.notebook.locator(".jp-InputPrompt").all_text_contents()
        return sum("*" in prompt for prompt in prompts)

    def cells_with_outputs(self) -> int:
        """How many code cells show at least one output."""
        return self.notebook.locator(".jp-CodeCell").evaluate_all(
            "els => els.filter(e => e.querySelector('.jp-OutputArea-output')).length"
        )

    def wait_for_outputs(self, cells: int, timeout: float = 30) -> None:
        """Wait until `cells` code cells show their outputs (JupyterLab renders a notebook's stored
        outputs in the moments after it opens)."""
        deadline = time.monotonic() + timeout
        while (shown := self.cells_with_outputs()) < cells:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: {shown} of {cells} cells show their outputs")
            time.sleep(0.1)

    def kernel(self) -> dict | None:
        return self.server.kernel_for(self.name)

    def status(self) -> str:
        kernel = self.kernel()
        return (
            f"indicator={self.indicator.get_attribute('data-status')!r}, "
            f"running cells={self.running_prompts()}, "
            f"server kernel state={kernel and kernel['execution_state']!r}"
        )

    # -- checks ----------------------------------------------------------------------------
    def front_end_errors(self, *, trusted: bool = True) -> list[str]:
        """Everything a student would see go wrong, or that the browser logged as an error.

        `trusted=False` before the notebook has run: JupyterLab then shows the stored outputs of
        an untrusted notebook (a fresh clone's are) by their plain-text form only, widgets
        included, so a widget shown as text is not an error there.
        """
        problems = []
        # One snapshot of every output, read in the page at once: outputs change under a loop.
        # textContent, not innerText: JupyterLab skips laying out the cells out of view (CSS
        # content-visibility), and their innerText is then empty, a traceback's included.
        outputs = self.notebook.locator(".jp-OutputArea-output").evaluate_all(
            """els => els.map(e => ({
                mime: e.getAttribute("data-mime-type") || "",
                text: e.textContent.trim(),
                widgets: e.querySelectorAll(".jupyter-widgets, .widget-box, .lm-Widget").length,
            }))"""
        )
        for output in outputs:
            mime, text = output["mime"], output["text"]
            if mime == STDERR and text != ENGINE_NOTE:
                problems.append(f"error or stderr output: {text[:600]}")
            elif mime == WIDGET_VIEW and (not text or text.startswith("Loading widget")):
                if output["widgets"] == 0:
                    problems.append("a widget output never rendered")
            if re.search(r"Error (displaying|rendering) widget|[Mm]odel not found", text):
                problems.append(f"widget render failure: {text[:300]}")
            if trusted and mime == "text/plain" and widget_repr().match(text):
                problems.append(f"widget shown as text (the widget extension did not load): {text[:200]}")
        errors = self.notebook.locator(".jupyter-widgets-error-widget").evaluate_all(
            "els => els.map(e => e.textContent)"
        )
        problems += [f"widget error view: {text[:300]}" for text in errors]
        # Read last: Playwright delivers the page's console events in order with the replies to
        # the calls above, so every error logged before the snapshots is in by now.
        return self.console_errors + problems

    def close(self, timeout: float = 30) -> None:
        """File > Close and Shut Down, confirm, and wait until the tab and its kernel are gone."""
        self.lab.menu("File", "filemenu:close-and-cleanup")
        dialog = self.page.locator(".jp-Dialog")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if dialog.count():
                dialog.locator(".jp-mod-accept").first.click()  # "Ok": shut the notebook down
            elif self._tab.count() == 0 and self.kernel() is None:
                return
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: still open {timeout:.0f} s after Close and Shut Down")
