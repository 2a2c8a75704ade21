"""The notebooks in a real browser: JupyterLab in headless Chromium, driven like a student would.

nbval runs widget cells without a front end, so it cannot see whether dragging the learning-rate
slider redraws the plot. These tests start `jupyter lab` on a copy of notebooks/ and open each
notebook with Playwright, failing on any front-end error. 05_learning_rate_sliders.ipynb is run
with Run > Run All Cells; then they move its slider from 0.8 to the smallest rate with the keyboard,
check the redrawn status text and plot, and save a screenshot. The other notebooks have no
widgets: JupyterLab renders their committed outputs, which nbval (strict) re-runs and compares
with a fresh run, so rendering them shows what a run would; a notebook committed without outputs
(the students' release) is run with Run All instead. The checks are checked too: a small
explorer notebook whose slider callback is sabotaged in two ways must fail the slider check, and
a notebook with a widget that cannot render and a traceback must fail the front-end check, both
on opening (its traceback stored) and when run.

Browser: Debian's Chromium (`apt-get install chromium`), or $LAB_CHROMIUM. Without one the tests
skip, except when $CI is set: there they fail, so CI can never skip them silently.
Screenshots go to pytest's tmp_path (the path is printed) and, if $LAB_SCREENSHOT_DIR is set,
are copied there too.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from _jupyter_server import JupyterLab
from browser_helpers import CHROMIUM_ARGS, ENGINE_NOTE, STDERR, LabNotebook, LabPage, find_chromium

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SLIDER_NOTEBOOK = "05_learning_rate_sliders.ipynb"
VIEWPORT = {"width": 1600, "height": 1000}


def _notebook_names() -> list[str]:
    return sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


# -- the sabotage: a cell appended to a small explorer notebook ---------------------------------
# The slider notebook's explorer, built small (two seeds, 50 epochs: retraining takes milliseconds),
# in a notebook of its own; the slider, its callbacks and the check are the same as in the course.
_EXPLORER_CELLS = [
    "from lab.widgets import LearningRateExplorer",
    "explorer = LearningRateExplorer(epochs=50, n_seeds=2)  # lr 0.8, XOR\nexplorer",
]
# Two ways to break the slider's callback, each a code cell appended to that notebook:
# "observer": every callback observing the slider's value is replaced by one that raises. The
#   slider is found by its CSS class (the contract this test relies on anyway), through the
#   registry of live widgets. The kernel logs the traceback; the student sees nothing happen.
# "training": lab.widgets.train_band, which the explorer calls to retrain, raises. The explorer
#   catches it and shows an error message instead of the plot.
# The notebooks that check the checks live in a folder of their own beside the copied course.
CHECKS = "harness-checks"
SABOTAGED = {
    "observer": f"{CHECKS}/sabotaged_observer.ipynb",
    "training": f"{CHECKS}/sabotaged_training.ipynb",
}
_SABOTAGE = {
    "observer": """\
# Injected by tests/lab/test_browser.py: every callback of the learning-rate slider raises.
from ipywidgets.widgets.widget import _instances


def _broken_callback(change):
    raise RuntimeError("sabotaged learning-rate callback")


_sliders = [w for w in list(_instances.values()) if "lab-lr-slider" in getattr(w, "_dom_classes", ())]
for _slider in _sliders:
    _slider.unobserve_all("value")
    _slider.observe(_broken_callback, "value")
print(f"sabotaged {len(_sliders)} slider(s)")
""",
    "training": """\
# Injected by tests/lab/test_browser.py: retraining, which the slider's callback does, raises.
import lab.widgets


def _broken_train_band(*args, **kwargs):
    raise RuntimeError("sabotaged learning-rate callback")


lab.widgets.train_band = _broken_train_band
print("sabotaged 1 slider(s)")
""",
}


# A notebook that goes wrong in the front end in two ways the generic check must catch: a widget
# output whose model does not exist (it cannot render), and a cell that raises. It is saved with
# the traceback of an earlier run, which the check must catch on opening, before running it.
BROKEN_FRONT_END = f"{CHECKS}/broken_front_end.ipynb"
_BROKEN_CELLS = [
    """\
from IPython.display import display

view = {"model_id": "0123456789abcdef0123456789abcdef", "version_major": 2, "version_minor": 0}
display({"application/vnd.jupyter.widget-view+json": view, "text/plain": "no such widget"}, raw=True)
""",
    'raise ValueError("broken on purpose")',
]

# A long notebook whose stderr outputs sit at the top, out of view once the notebook is scrolled
# to its end (JupyterLab does not lay such cells out): the check must still read them. Its first
# cell prints the engine's notice, which is wanted; its second an error line, which is not.
OFFSCREEN = f"{CHECKS}/stderr_out_of_view.ipynb"
_OFFSCREEN_CELLS = [
    f"import sys\n\nprint({ENGINE_NOTE!r}, file=sys.stderr)",
    'print("out of view on purpose", file=sys.stderr)',
    *["print('\\n'.join(map(str, range(30))))"] * 40,
]


def _write_notebook(dst: Path, sources: list[str], outputs: dict[int, list] | None = None) -> None:
    """A Python 3 notebook of code cells; `outputs` maps a cell's index to its stored outputs."""
    cells = [nbformat.v4.new_code_cell(src) for src in sources]
    for i, stored in (outputs or {}).items():
        cells[i].outputs, cells[i].execution_count = stored, i + 1
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, dst)


def _cells_with_outputs(path: Path) -> int:
    """How many code cells of the notebook at `path` have a stored output."""
    nb = nbformat.read(path, as_version=4)
    return sum(bool(cell.get("outputs")) for cell in nb.cells if cell.cell_type == "code")


# -- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        reason = (
            "no Chromium browser: install Debian's `chromium` package (apt-get install -y chromium) "
            "or set LAB_CHROMIUM to a Chromium executable"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the browser tests must run, but there is {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory, chromium):
    """JupyterLab serving a copy of notebooks/ (plus the harness checks): the repo is never touched."""
    root = tmp_path_factory.mktemp("notebooks")
    (root / CHECKS).mkdir()
    for name in _notebook_names():
        shutil.copy2(NOTEBOOKS / name, root / name)
    for how, name in SABOTAGED.items():
        _write_notebook(root / name, [*_EXPLORER_CELLS, _SABOTAGE[how]])
    traceback = nbformat.v4.new_output(
        "error", ename="ValueError", evalue="broken on purpose", traceback=["ValueError: broken on purpose"]
    )
    _write_notebook(root / BROKEN_FRONT_END, _BROKEN_CELLS, {1: [traceback]})
    _write_notebook(root / OFFSCREEN, _OFFSCREEN_CELLS)
    with JupyterLab(root, tmp_path_factory.mktemp("jupyter-state")) as server:
        yield server


@pytest.fixture(scope="module")
def lab_page(chromium, lab_server):
    """Headless Chromium with JupyterLab loaded once, in an empty workspace of its own."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(60_000)
        lab = LabPage(page, lab_server)
        lab.load()
        yield lab
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def open_notebook(lab_page, lab_server):
    """Open notebooks in JupyterLab; afterwards close them (kernels shut down) as a student would.

    Errors the browser logs while a notebook closes fail the test too. If closing fails, the
    kernels are shut down through the server's API and JupyterLab is reloaded for the next test.
    """
    opened = []

    def _open(name: str) -> LabNotebook:
        nb = lab_page.open(name)
        opened.append(nb)
        return nb

    yield _open
    for nb in opened:
        before = len(lab_page.console.errors)
        try:
            nb.close()
        except Exception:
            lab_server.close_sessions()
            lab_page.load()
            raise
        closing = lab_page.console.errors[before:]
        assert closing == [], f"{nb.name}: browser errors while closing"


def _save_screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=path)
    print(f"screenshot: {path}")
    extra = os.environ.get("LAB_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, Path(extra) / name)
        print(f"screenshot copy: {Path(extra) / name}")
    return path


# -- the slider ------------------------------------------------------------------------------
class SliderView:
    """The learning-rate explorer as the browser shows it: slider, status text, plot images."""

    def __init__(self, nb: LabNotebook):
        self.nb = nb
        panel = nb.panel
        self.slider = panel.locator(".lab-lr-slider").last
        self.handle = self.slider.locator(".noUi-handle")
        self.readout = self.slider.locator(".widget-readout")
        self.status_box = panel.locator(".lab-status").last
        self.plot = panel.locator(".lab-plot").last

    def rate(self) -> float:
        return float(self.readout.inner_text().strip())

    def status(self) -> str:
        return self.status_box.inner_text().strip()

    def images(self) -> tuple[str, ...]:
        return tuple(self.plot.locator("img").evaluate_all("els => els.map(e => e.src)"))

    def state(self) -> dict:
        return {"rate": self.rate(), "status": self.status(), "images": self.images()}


def _numbers(text: str) -> list[float]:
    return [float(m) for m in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)]


def _redraw_problems(before: dict, after: dict) -> list[str]:
    """What is wrong with the explorer's display after the slider moved from `before`."""
    problems = []
    if not after["rate"] < before["rate"]:
        problems.append(f"the slider did not move down: readout {before['rate']} -> {after['rate']}")
    if not any(math.isclose(x, after["rate"], rel_tol=0.02) for x in _numbers(after["status"])):
        problems.append(f"the status does not show the new rate {after['rate']}: {after['status']!r}")
    if "plateau" not in after["status"].lower():
        problems.append(f"the status does not mention the plateau: {after['status']!r}")
    if not after["images"] or not all(src.startswith("data:image/png") for src in after["images"]):
        problems.append(f"the plot shows no image ({len(after['images'])} <img> elements)")
    elif after["images"] == before["images"]:
        problems.append("the plot image did not change")
    return problems


def move_slider_to_minimum(
    nb: LabNotebook, *, timeout: float = 90, grace: float = 3
) -> tuple[dict, dict, list]:
    """Focus the slider's handle, press Home, wait for the kernel; return (before, after, problems).

    Returns as soon as the display is right and the kernel idle. Otherwise returns the problems
    once the kernel has handled the change and stayed idle for `grace` seconds, or once the
    slider has not moved in 10 s, or after `timeout` seconds.
    """
    view = SliderView(nb)
    view.slider.scroll_into_view_if_needed()
    view.handle.wait_for(state="visible")
    before = view.state()
    kernel = nb.kernel()
    assert kernel is not None, f"{nb.name} has no kernel"
    activity = kernel["last_activity"]  # the server updates it on every message from the kernel
    view.handle.focus()
    nb.page.keyboard.press("Home")  # noUiSlider: the handle's keyboard support, Home = the minimum

    start = time.monotonic()
    idle_since = None
    while True:
        after = view.state()
        problems = _redraw_problems(before, after) + nb.front_end_errors()
        idle = nb.is_idle()
        if not problems and idle:
            return before, after, []
        elapsed = time.monotonic() - start
        now = nb.kernel() if idle else None
        handled = now is not None and now["last_activity"] != activity
        idle_since = (idle_since or time.monotonic()) if handled else None
        if (
            (idle_since and time.monotonic() - idle_since > grace)
            or (after["rate"] == before["rate"] and elapsed > 10)
            or elapsed > timeout
        ):
            return before, after, problems
        time.sleep(0.25)


# -- the tests -------------------------------------------------------------------------------
def _check_front_end(nb: LabNotebook, tmp_path: Path, when: str, trusted: bool = True) -> None:
    """Fail with the list of front-end errors if there are any (and save a screenshot)."""
    problems = nb.front_end_errors(trusted=trusted)
    if problems:
        _save_screenshot(nb.page, tmp_path, f"{Path(nb.name).stem}-errors.png")
    assert problems == [], f"{nb.name}: front-end errors {when}"


def _open_and_run_all(open_notebook, name: str, tmp_path: Path) -> LabNotebook:
    """Open `name`, check it shows no error, Run All Cells, check again; return the notebook."""
    start = time.monotonic()
    nb = open_notebook(name)
    opened = time.monotonic()
    _check_front_end(nb, tmp_path, "on opening, before running", trusted=False)
    nb.run_all()
    print(f"{name}: opened in {opened - start:.1f} s, ran in {time.monotonic() - opened:.1f} s")
    _check_front_end(nb, tmp_path, "after Run All Cells")
    return nb


# Every notebook but the slider's, which test_slider_retrains_and_redraws opens, runs and checks.
_OTHERS = [name for name in _notebook_names() if name != SLIDER_NOTEBOOK]


@pytest.mark.parametrize("name", _OTHERS or ["<no notebooks found>"])
def test_notebook_shows_in_jupyterlab_without_front_end_errors(name, open_notebook, tmp_path):
    """A notebook committed with outputs shows them all, rendered without a front-end error.

    These notebooks hold no widgets, and nbval (strict) re-runs each of them and compares every
    text output with the committed one, so the outputs rendered here are those a run gives. A
    notebook committed without outputs (the students' release) is run with Run All instead.
    """
    assert (NOTEBOOKS / name).exists(), f"no notebooks in {NOTEBOOKS}"
    stored = _cells_with_outputs(NOTEBOOKS / name)
    if not stored:
        _open_and_run_all(open_notebook, name, tmp_path)
        return
    nb = open_notebook(name)
    nb.wait_for_outputs(stored)
    # As a fresh clone opens it: untrusted (these outputs are text and images; no widgets).
    _check_front_end(nb, tmp_path, "showing its committed outputs", trusted=False)


def test_slider_retrains_and_redraws(open_notebook, tmp_path):
    assert (NOTEBOOKS / SLIDER_NOTEBOOK).exists()
    nb = _open_and_run_all(open_notebook, SLIDER_NOTEBOOK, tmp_path)
    before, after, problems = move_slider_to_minimum(nb)
    print(json.dumps({"before": before["status"], "after": after["status"], "rate": after["rate"]}))
    # The whole explorer in view: its top at the top of the notebook.
    SliderView(nb).slider.evaluate("e => e.closest('.jp-OutputArea-output').scrollIntoView({block: 'start'})")
    _save_screenshot(nb.page, tmp_path, "learning-rate-slider.png")
    assert problems == []
    # It starts at the report's rate, and rendering the slider did not change it.
    assert before["rate"] == pytest.approx(0.8)
    assert any(math.isclose(x, 0.8) for x in _numbers(before["status"])), before["status"]
    assert after["rate"] == pytest.approx(0.001)


@pytest.mark.parametrize("how", sorted(SABOTAGED))
def test_a_broken_slider_callback_fails_the_check(how, open_notebook, tmp_path):
    nb = _open_and_run_all(open_notebook, SABOTAGED[how], tmp_path)
    # The sabotage cell ran cleanly and found the slider: what fails below is the slider.
    assert "sabotaged 1 slider(s)" in nb.notebook.locator(".jp-Cell").last.inner_text()
    _before, after, problems = move_slider_to_minimum(nb)
    print(problems)
    assert after["rate"] == pytest.approx(0.001), "the slider itself should still move"
    assert problems, "the check passed although the slider's callback raises"
    if how == "observer":  # nothing is redrawn: the status still shows the old rate
        assert any("does not show the new rate" in p for p in problems), problems
    if how == "training":  # the explorer shows the error as a message: the check quotes it
        assert any("sabotaged learning-rate callback" in p for p in problems), problems


def test_the_front_end_check_catches_a_broken_widget_and_a_traceback(open_notebook):
    """Opened, the notebook shows the traceback saved with it: caught; run, its widget cannot
    render and it raises again: both caught."""
    nb = open_notebook(BROKEN_FRONT_END)
    nb.wait_for_outputs(1)
    stored = nb.front_end_errors(trusted=False)
    print(stored)
    assert len(stored) == 1 and stored[0].startswith("error or stderr output"), stored
    assert "broken on purpose" in stored[0], stored
    nb.run_all()
    # The widget manager looks for a missing model for 2 s before it gives up.
    deadline = time.monotonic() + 10
    while True:
        problems = nb.front_end_errors()
        widget = [p for p in problems if p.startswith("widget render failure")]
        console = [p for p in problems if p.startswith("console error") and "widget model not found" in p]
        if (widget and console) or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    print(problems)
    assert widget and console, problems
    assert any(p.startswith("error or stderr output") and "broken on purpose" in p for p in problems), (
        problems
    )


def test_the_front_end_check_reads_outputs_out_of_view(open_notebook):
    """Scrolled to its end, the notebook's stderr outputs at the top have no innerText (JupyterLab
    skips laying them out): the check reads them all the same, the engine's notice as wanted and
    the other line as an error. Reading innerText, it saw two empty stderr outputs, both errors."""
    nb = open_notebook(OFFSCREEN)
    nb.run_all()
    nb.notebook.locator(".jp-Cell").last.scroll_into_view_if_needed()
    stderr = nb.notebook.locator(f'.jp-OutputArea-output[data-mime-type="{STDERR}"]')
    deadline = time.monotonic() + 10  # JupyterLab skips the layout of what has left the view
    while (shown := stderr.evaluate_all("els => els.map(e => e.innerText)")) != ["", ""]:
        assert time.monotonic() < deadline, f"the stderr outputs are still laid out: {shown}"
        time.sleep(0.25)
    problems = nb.front_end_errors()
    print(problems)
    assert problems == ["error or stderr output: out of view on purpose"], problems
