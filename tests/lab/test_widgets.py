"""The learning-rate explorer, driven headless: set a control, the result and the status follow."""

import base64
import io
import math
import struct
import warnings

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

import lab
import lab.verdicts as verdicts
import lab.widgets as widgets
from lab.verdicts import Result, diagnose, load_data, train_band
from lab.widgets import LearningRateExplorer, compare_learning_rates, plot_comparison


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


# ----------------------------------------------------------------------------------- the explorer
def test_the_default_explorer_shows_the_reports_rate_converging():
    explorer = LearningRateExplorer()
    r = explorer.result
    assert (r.lr, r.data, r.epochs, r.seeds) == (0.8, "xor", 1000, tuple(range(lab.SEED, lab.SEED + 8)))
    assert r.histories.shape == (8, 1000) and r.history.shape == (1000,)
    assert r.verdict == "converged" and r.accuracy == 1.0 and r.loss < 0.01
    assert "lr = 0.8:" in explorer.status.value and "converges" in explorer.status.value
    (out,) = explorer.plot.outputs
    assert base64.b64decode(out["data"]["image/png"]) == explorer.png
    assert png_size(explorer.png) == (800, 336)
    assert explorer.seconds > 0


def test_moving_the_slider_retrains_and_redraws_at_once():
    explorer = LearningRateExplorer(n_seeds=1)
    first = explorer.png
    explorer.lr.value = 0.001
    r = explorer.result
    assert r.lr == 0.001 and r.verdict == "plateau" and r.loss == pytest.approx(0.125, abs=0.002)
    assert "lr = 0.001:" in explorer.status.value and "plateau" in explorer.status.value
    assert explorer.png != first
    explorer.lr.value = 0.8
    assert "lr = 0.8:" in explorer.status.value
    assert explorer.result.verdict == "converged" and "converges" in explorer.status.value


def test_epochs_seed_and_data_controls_retrain(monkeypatch):
    explorer = LearningRateExplorer(n_seeds=1, epochs=300)
    explorer.epochs.value = 400
    assert explorer.result.epochs == 400 and explorer.result.history.shape == (400,)
    explorer.seed.value = 7
    assert explorer.result.seeds == (7,)
    calls = []
    retrain = explorer._retrain
    monkeypatch.setattr(explorer, "_retrain", lambda: calls.append(1) or retrain())
    explorer.data.value = "linear"  # resets epochs to the linear default: one retrain, not two
    assert calls == [1]
    assert explorer.epochs.value == 200
    r = explorer.result
    assert (r.data, r.epochs, r.seeds) == ("linear", 200, (7,)) and r.accuracy >= 0.99


def test_a_diverging_run_is_a_message_not_an_exception(monkeypatch):
    def diverge(*args, **kwargs):
        raise lab.DivergedError("training diverged in epoch 3: the learning rate lr=5 is too large")

    monkeypatch.setattr(verdicts, "train_many", diverge)
    explorer = LearningRateExplorer(lr=5, n_seeds=2, epochs=100)
    r = explorer.result
    assert r.verdict == "diverged" and r.verdicts == ("diverged", "diverged")
    assert math.isnan(r.loss) and math.isnan(r.accuracy)
    assert "lr = 5: diverged" in explorer.status.value and "too large" in explorer.status.value
    assert png_size(explorer.png) == (800, 336)  # still drawn: the boundary of the last finite weights


def test_an_error_in_the_callback_is_shown_as_a_message(monkeypatch):
    explorer = LearningRateExplorer(n_seeds=1, epochs=100)

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(explorer, "_retrain", broken)
    explorer.lr.value = 0.01  # must not raise into the front end
    assert explorer.result.verdict == "error"
    assert "lr = 0.01:" in explorer.status.value and "RuntimeError: boom" in explorer.status.value
    assert explorer.plot.outputs == ()  # no stale figure beside the error
    monkeypatch.undo()
    explorer.lr.value = 0.02
    assert explorer.result.verdict == "plateau" and len(explorer.plot.outputs) == 1


def test_a_warning_in_the_callback_becomes_a_note(monkeypatch):
    # pytest turns warnings into errors here (filterwarnings = error): none may escape.
    explorer = LearningRateExplorer(n_seeds=1, epochs=100)
    retrain = explorer._retrain

    def warn():
        retrain()
        warnings.warn("careful", RuntimeWarning, stacklevel=1)

    monkeypatch.setattr(explorer, "_retrain", warn)
    explorer.lr.value = 0.02
    assert "Note: careful" in explorer.status.value and explorer.result.lr == 0.02


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def test_a_redraw_keeps_the_frame_and_matches_a_full_drawing(monkeypatch):
    explorer = LearningRateExplorer(n_seeds=2, epochs=300)
    canvas = explorer._canvas
    frames = []
    full_draw = canvas.canvas.draw
    monkeypatch.setattr(canvas.canvas, "draw", lambda: frames.append(1) or full_draw())
    explorer.lr.value = 0.5
    explorer.lr.value = 0.6  # the same axes: the frame's pixels are pasted, not drawn again
    assert frames == [] and explorer.result.lr == 0.6
    explorer.epochs.value = 350  # other axes: the frame is drawn again
    assert frames == [1]
    blitted = _pixels(explorer.png)
    for artist in canvas.fig.findobj(lambda a: a.get_animated()):
        artist.set_animated(False)
    buf = io.BytesIO()
    canvas.fig.savefig(buf, format="png")  # everything drawn from scratch, in z-order
    full = _pixels(buf.getvalue())
    assert blitted.shape == full.shape == (336, 800, 3)
    differ = np.abs(blitted - full).max(axis=2) > 8
    # the same picture: only where an axis line crosses the curve or the map may the order differ
    assert differ.mean() < 0.005, differ.mean()


def test_moving_the_rate_never_redraws_the_axes(monkeypatch):
    explorer = LearningRateExplorer()  # the default band: 8 seeds, 1000 epochs of XOR
    frames = []
    full_draw = explorer._canvas.canvas.draw
    monkeypatch.setattr(explorer._canvas.canvas, "draw", lambda: frames.append(1) or full_draw())
    for lr in (10, 0.001, 0.3, 2, 0.8):  # lr 10 reaches the lowest loss of the slider's rates
        explorer.lr.value = lr
        assert explorer.result.histories.min() > widgets.LOSS_FLOOR
    assert frames == []


def test_controls_and_css_classes_for_the_browser_test():
    explorer = LearningRateExplorer(n_seeds=1, epochs=100)
    assert isinstance(explorer.lr, ipywidgets.SelectionSlider)
    rates = [value for _label, value in explorer.lr.options]
    assert (rates[0], rates[-1], explorer.lr.value, explorer.lr.label) == (0.001, 10, 0.8, "0.8")
    assert rates == sorted(rates) and len(rates) == 41
    assert all(1.19 < b / a < 1.34 for a, b in zip(rates, rates[1:]))  # an even log scale, near enough
    assert {0.001, 0.01, 0.1, 0.3, 0.5, 0.8, 1, 2, 10} <= set(rates)  # the rates the notebooks speak of
    # every drag step retrains: the figure follows the mouse
    assert explorer.lr.continuous_update and explorer.epochs.continuous_update
    assert explorer.seed.continuous_update
    assert "lab-lr-slider" in explorer.lr._dom_classes
    assert "lab-status" in explorer.status._dom_classes
    assert "lab-plot" in explorer.plot._dom_classes
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=0), ValueError, "lr must be a finite number > 0"),
        (dict(lr=100), ValueError, "lr must be between 0.001 and 10"),
        (dict(lr=1e-4), ValueError, "lr must be between"),
        (dict(lr="fast"), TypeError, "lr must be a real number"),
        (dict(lr=float("nan")), ValueError, "lr must be a finite"),
        (dict(lr=0.7), ValueError, r"lr must be one of the slider's rates .*0\.6, 0\.8.*got 0\.7"),
        (dict(lr=10**-0.1), ValueError, "lr must be one of the slider's rates"),
        (dict(epochs=10), ValueError, "epochs must be between 50 and 4000"),
        (dict(epochs=125), ValueError, "epochs must be a multiple of 50"),
        (dict(epochs=2.5), TypeError, "epochs must be an integer"),
        (dict(data="spiral"), ValueError, "data must be one of"),
        (dict(seed=-1), ValueError, "seed must be between 0 and 99"),
        (dict(seed=True), TypeError, "seed must be an integer"),
        (dict(n_seeds=0), ValueError, "n_seeds must be between 1 and 32"),
        (dict(resolution=1), ValueError, "resolution must be between"),
    ],
)
def test_the_explorer_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        LearningRateExplorer(**kwargs)


# ------------------------------------------------------------------------------------ the verdicts
def test_diagnose_names_each_regime():
    X, y = load_data("xor")
    flat = lab.Network(seed=0)
    for p in flat.parameters():
        p[...] = 0.0  # every output exactly 0.5: the plateau
    history = np.full(10, flat.loss(X, y))
    assert history[-1] == 0.125
    verdict, message = diagnose(flat, X, y, history, lr=0.001)
    assert verdict == "plateau" and message.startswith("lr = 0.001: stays on the 0.125 plateau")

    pinned = lab.Network(seed=0)
    pinned.b[-1][...] = -40.0  # the output sigmoid pinned at 0
    verdict, message = diagnose(pinned, X, y, np.full(10, pinned.loss(X, y)), lr=10)
    assert verdict == "saturated" and "output sigmoid saturates" in message

    stuck = train_band(0.8, "xor", 1500, seeds=(4,))  # seed 4 gets stuck with the centre point wrong
    net, history = stuck.networks[0], stuck.history
    verdict, message = diagnose(net, X, y, history, 0.8)
    assert verdict == "stuck" and "saddle rather than a minimum" in message  # notebook 04: not a minimum
    falling = np.linspace(0.1, history[-1], len(history))  # the same net, but a loss still falling
    assert diagnose(net, X, y, falling, 0.8)[0] == "learning"

    assert train_band(0.8, "xor", 1000).verdict == "converged"
    # BEGIN INSTRUCTOR ONLY
    hot = train_band(50, "xor", 1000)  # chaotic: not checked in the students' release (see above)
    assert hot.verdict == "saturated" and "saturates" in hot.message
    # END INSTRUCTOR ONLY


def _flat_net(output: float, hidden_bias: float) -> lab.Network:
    """A 2-4-4-1 net whose output is `output` at every point; its last hidden layer is σ(hidden_bias)."""
    net = lab.Network(seed=0)
    for p in net.parameters():
        p[...] = 0.0
    net.b[1][...] = hidden_bias
    net.b[2][...] = np.log(output / (1 - output))  # σ⁻¹(output): W3 = 0, so ŷ = σ(b3) everywhere
    return net


def test_diagnose_tells_the_bugs_plateau_from_the_honest_one():
    X, y = load_data("xor")
    # the report's order at lr 0.8: ŷ ≈ 0.546 everywhere, layer 2 pinned near 1 (notebook 04)
    bug = _flat_net(0.546, hidden_bias=5.0)
    history = np.full(10, bug.loss(X, y))
    assert history[-1] == pytest.approx(0.127, abs=5e-4)
    verdict, message = diagnose(bug, X, y, history, lr=0.8)
    assert verdict == "bug plateau"
    assert "pinned near 1" in message and "suspect the update order" in message and "0.1247" in message
    # the honest plateau at the same rate: ŷ ≈ 0.49 everywhere, layer 2 free
    honest = _flat_net(0.489, hidden_bias=-1.0)
    verdict, message = diagnose(honest, X, y, np.full(10, honest.loss(X, y)), lr=0.8)
    assert verdict == "plateau" and "update order" not in message and "more epochs" in message
    # the level alone does not decide: an honest plateau can sit at 0.127 too (ŷ ≈ 0.55 at a large
    # rate), and the bug's mark is the pinned layer
    high = _flat_net(0.546, hidden_bias=-1.0)
    verdict, message = diagnose(high, X, y, np.full(10, high.loss(X, y)), lr=20)
    assert verdict == "plateau" and "update order" not in message and "smaller one" in message
    # a layer pinned near 1 at one point only is not the bug's mark
    almost = _flat_net(0.546, hidden_bias=5.0)
    almost.W[1][...] = 0.0
    almost.W[0][0, :] = 20.0  # h1 large where x1 is large ...
    almost.W[1][:, 0] = -8.0  # ... which pulls unit 0 of layer 2 down there
    assert almost._forward(X)[-2].min() < verdicts.PINNED
    assert diagnose(almost, X, y, np.full(10, almost.loss(X, y)), lr=0.8)[0] == "plateau"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(net="net"), TypeError, "net must be a lab.Network"),
        (dict(X=np.zeros((3, 3))), ValueError, "X must have shape"),
        (dict(history=np.zeros((2, 2))), ValueError, "history must be 1-D"),
        (dict(history=[]), ValueError, "history must be 1-D"),
        (dict(lr=-1), ValueError, "lr must be a finite number > 0"),
    ],
)
def test_diagnose_rejects_bad_arguments(kwargs, error, match):
    X, y = load_data("xor")
    args = dict(net=lab.Network(seed=0), X=X, y=y, history=[0.1, 0.1], lr=0.8) | kwargs
    with pytest.raises(error, match=match):
        diagnose(**args)


# --------------------------------------------------------------------------- the static comparison
def test_compare_learning_rates_equals_training_each_network_alone():
    X, y = load_data("xor")
    results = compare_learning_rates([0.1, 3.0], epochs=50, seeds=(2, 5))
    assert [r.lr for r in results] == [0.1, 3.0]
    for r in results:
        assert r.histories.shape == (2, 50) and r.seeds == (2, 5) and len(r.networks) == 2
        for seed, history in zip(r.seeds, r.histories):
            alone = lab.Network(seed=seed).fit(X, y, lr=r.lr, epochs=50)
            np.testing.assert_allclose(history, alone, rtol=1e-12, atol=1e-14)


def test_compare_learning_rates_tells_the_regimes_apart():
    small, right = compare_learning_rates([0.001, 0.8], epochs=1000, seeds=(2, 3))
    assert small.verdict == "plateau" and small.tally == "2 plateau" and small.converged == 0
    assert right.verdict == "converged" and right.converged >= 1
    assert right.tally.startswith(f"{right.converged} converged")


def test_a_diverging_rate_in_a_comparison_is_named_alone(monkeypatch):
    real = verdicts.train_many

    def fragile(networks, X, y, lr, epochs, **kwargs):
        if not isinstance(lr, float) or lr == 5.0:  # the joint call, or the rate that "diverges"
            raise lab.DivergedError(f"training diverged in epoch 2: lr={lr} is too large")
        return real(networks, X, y, lr=lr, epochs=epochs, **kwargs)

    monkeypatch.setattr(verdicts, "train_many", fragile)
    ok, bad = compare_learning_rates([0.8, 5.0], epochs=20, seeds=(2,))
    assert ok.verdict != "diverged" and ok.histories.shape == (1, 20)
    assert bad.verdict == "diverged" and "lr = 5: diverged" in bad.message


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(rates=[]), TypeError, "rates must be a non-empty sequence"),
        (dict(rates="0.1"), TypeError, "rates must be a non-empty sequence"),
        (dict(rates=[0.1, -1]), ValueError, r"rates\[1\]"),
        (dict(data="spiral"), ValueError, "data must be one of"),
        (dict(epochs=0), ValueError, "epochs must be >= 1"),
        (dict(seeds=[]), TypeError, "seeds must be a non-empty sequence"),
        (dict(seeds=[2, -1]), ValueError, r"seeds\[1\]"),
    ],
)
def test_compare_learning_rates_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        compare_learning_rates(**(dict(rates=[0.8], epochs=5, seeds=(2,)) | kwargs))


def test_plot_comparison_draws_curves_and_final_losses():
    results = compare_learning_rates([0.01, 0.8], epochs=30, seeds=(2, 3))
    fig = plot_comparison(results)
    try:
        curves, finals = fig.axes[:2]
        labels = [t.get_text() for t in curves.get_legend().get_texts()]
        assert labels == [f"lr = {r.lr:.3g}: {r.verdict}" for r in results]
        assert finals.get_xscale() == "log" and finals.get_yscale() == "log"
    finally:
        plt.close(fig)


@pytest.mark.parametrize("results", [[], [1, 2], "results"])
def test_plot_comparison_rejects_bad_arguments(results):
    with pytest.raises(TypeError, match="results must"):
        plot_comparison(results)


def test_plot_comparison_rejects_a_single_result():
    (result,) = compare_learning_rates([0.8], epochs=5, seeds=(2,))
    assert isinstance(result, Result)
    with pytest.raises(TypeError, match="results must be a non-empty list"):
        plot_comparison(result)


def test_load_data_names_the_data_sets():
    X, y = load_data("linear")
    np.testing.assert_array_equal(X, lab.generate_linear(100, seed=lab.SEED)[0])
    with pytest.raises(ValueError, match="data must be one of"):
        load_data("XOR ")


def test_the_verdicts_need_no_ipywidgets_and_the_notebooks_imports_still_work():
    import subprocess
    import sys

    code = "import sys, lab.verdicts; print('ipywidgets' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "False", run.stderr
    # notebook 05: from lab.widgets import LearningRateExplorer, compare_learning_rates, plot_comparison
    assert widgets.compare_learning_rates is verdicts.compare_learning_rates
    assert widgets.plot_comparison is verdicts.plot_comparison
    assert not hasattr(widgets, "diagnose")  # the explorer only: no verdict it does not use
