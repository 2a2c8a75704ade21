"""Drive JupyterLab in headless Chromium the way a student does, and collect what goes wrong.

`find_chromium()` locates the browser (Playwright cannot download one here: we use Debian's).
`LabNotebook` opens one notebook in JupyterLab, runs it with the menu Run > Run All Cells, waits
until the kernel is idle, and reports front-end errors: browser console errors and uncaught page
errors, widgets that fail to render, widgets shown as their plain-text repr (the widget extension
did not load), and error or stderr outputs (tracebacks, warnings). Checks return a list of
problems, each a short readable string, so a test can both assert there are none and assert that
a deliberately broken notebook produces some.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field

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


def find_chromium() -> str | None:
    """Path of a Chromium executable: $LAB_CHROMIUM if set (and only it), else Debian's
    /usr/bin/chromium or `chromium` on PATH; None if there is none."""
    override = os.environ.get("LAB_CHROMIUM")
    candidates = [override] if override else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def widget_class_names() -> list[str]:
    """Names of every ipywidgets widget class: their text repr means a widget did not render."""
    import ipywidgets

    names, todo = set(), [ipywidgets.DOMWidget]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return sorted(names)


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


class LabNotebook:
    """One notebook open in JupyterLab in `page`, served by `server` (a `JupyterLab`)."""

    def __init__(self, page, server, name: str):
        self.page = page
        self.server = server
        self.name = name
        self.console = ConsoleLog()
        self.console.attach(page)
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").filter(
            has=page.locator(".jp-Notebook")
        )
        self.notebook = self.panel.locator(".jp-Notebook")
        self.indicator = self.panel.locator(".jp-Notebook-ExecutionIndicator")

    # -- actions ---------------------------------------------------------------------------
    def open(self, timeout: float = 90) -> None:
        # A workspace of its own: JupyterLab would otherwise reopen the tabs of earlier pages
        # (starting their kernels again), as it restores the default workspace.
        workspace = "test-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)
        self.page.goto(
            f"{self.server.url}lab/workspaces/{workspace}/tree/{self.name}", timeout=timeout * 1000
        )
        self.notebook.locator(".jp-Cell").first.wait_for(timeout=timeout * 1000)
        self.wait_idle(timeout)

    def run_all(self, timeout: float = 120) -> None:
        """Menu Run > Run All Cells, then wait until every cell has run and the kernel is idle."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        self.wait_idle(timeout)

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
        prompts = self.notebook.locator(".jp-InputPrompt").all_inner_texts()
        return sum("*" in prompt for prompt in prompts)

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
        outputs = self.notebook.locator(".jp-OutputArea-output").evaluate_all(
            """els => els.map(e => ({
                mime: e.getAttribute("data-mime-type") || "",
                text: e.innerText.trim(),
                widgets: e.querySelectorAll(".jupyter-widgets, .widget-box, .lm-Widget").length,
            }))"""
        )
        for output in outputs:
            mime, text = output["mime"], output["text"]
            if mime == STDERR:
                problems.append(f"error or stderr output: {text[:600]}")
            elif mime == WIDGET_VIEW and (not text or text.startswith("Loading widget")):
                if output["widgets"] == 0:
                    problems.append("a widget output never rendered")
            if re.search(r"Error (displaying|rendering) widget|[Mm]odel not found", text):
                problems.append(f"widget render failure: {text[:300]}")
            if trusted and mime == "text/plain" and self._widget_repr.match(text):
                problems.append(f"widget shown as text (the widget extension did not load): {text[:200]}")
        errors = self.notebook.locator(".jupyter-widgets-error-widget").evaluate_all(
            "els => els.map(e => e.innerText)"
        )
        problems += [f"widget error view: {text[:300]}" for text in errors]
        # Read last: Playwright delivers the page's console events in order with the replies to
        # the calls above, so every error logged before the snapshots is in by now.
        return self.console.errors + problems

    @property
    def _widget_repr(self) -> re.Pattern:
        names = "|".join(map(re.escape, widget_class_names()))
        return re.compile(rf"^({names})\(")

    def close(self) -> None:
        """End the notebook's session (its kernel) through the server's API."""
        for session in self.server.sessions():
            if session.get("path") == self.name:
                self.server.api("DELETE", f"api/sessions/{session['id']}")
