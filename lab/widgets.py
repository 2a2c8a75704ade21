"""The learning-rate explorer: drag a slider, retrain, watch the loss and the decision boundary.

`LearningRateExplorer` is the live widget: a log-scale learning-rate slider plus epochs, data
set and seed. Every change retrains a band of seeds (`lab.verdicts.train_band`, one
`lab.train_many` call) and redraws; the verdict is named in a plain sentence, never a traceback.
It runs headless too: `explorer.lr.value = 0.01` retrains synchronously and updates
`explorer.status` and `explorer.result`. The verdicts and the static comparison of rates live in
`lab.verdicts` (no ipywidgets); `compare_learning_rates` and `plot_comparison` are importable
from here too, as notebook 05 does.

The seed control seeds the network's initial weights; the band uses the seeds that follow it.
"""

from __future__ import annotations

import base64
import html
import io
import math
import time
import warnings

import ipywidgets
import numpy as np

from . import SEED
from ._checks import check_choice, check_int, check_lr
from .data import EXPLORER_EPOCHS
from .plotting import COLORS, probability_grid
from .verdicts import (
    DATASETS,
    PLATEAU,
    Result,
    compare_learning_rates,
    load_data,
    plot_comparison,
    train_band,
)

__all__ = ["LearningRateExplorer", "compare_learning_rates", "plot_comparison"]

#: The slider's learning rates: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 in every decade from 0.001 to 10,
#: each step about a quarter larger than the last. Exact values (0.8 is 0.8, not 10^-0.1 = 0.794), so
#: that the front end, which sends the slider's value back as it renders, cannot round them.
LR_RATES = tuple(float(f"{m}e{e}") for e in range(-3, 1) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)) + (
    10.0,
)
LR_RANGE = (LR_RATES[0], LR_RATES[-1])  # the slider's ends
EPOCHS_RANGE = (50, 4000)
SEED_RANGE = (0, 99)
#: The loss axis's lower end: with the default epochs, no rate of the slider takes a seed of the
#: band below it (the lowest, lr 10 on XOR, reaches about 6e-6), so moving the slider redraws
#: only the curves, never the axes.
LOSS_FLOOR = 1e-6


def _check_range(value, name: str, lo, hi, kind):
    if kind is int:
        value = check_int(value, name)
    else:
        value = check_lr(value, name)
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}, got {value!r}")
    return value


class LearningRateExplorer:
    """The live learning-rate explorer.

    Controls (ipywidgets, public attributes): `lr` (a SelectionSlider over `LR_RATES`, 0.001 … 10), `epochs`,
    `data` ("xor"/"linear"), `seed`. Outputs: `plot` (an Output holding the figure:
    loss curve with the band of seeds, and the first seed's decision boundary),
    `status` (HTML: the verdict in a plain sentence, which names the rate), `result`
    (the last `Result`). Display the explorer (or `explorer.widget`) in a notebook.

    Every change of a control retrains synchronously in the kernel, so it can be
    driven headless: `explorer.lr.value = 0.01` leaves the new result in
    `explorer.result`. Choosing another data set resets `epochs` to that set's default.

    `n_seeds` networks (seeds `seed`, `seed + 1`, ...) train together in one
    `lab.train_many` call; the first is the one whose boundary and accuracy are shown.
    Stable CSS classes for browser tests: `lab-lr-slider`, `lab-status`, `lab-plot`.
    """

    def __init__(
        self,
        lr: float = 0.8,
        epochs: int | None = None,
        data: str = "xor",
        seed: int = SEED,
        n_seeds: int = 8,
        resolution: int = 60,
    ):
        check_choice(data, "data", DATASETS)
        lr = _check_range(lr, "lr", *LR_RANGE, float)
        epochs = (
            EXPLORER_EPOCHS[data] if epochs is None else _check_range(epochs, "epochs", *EPOCHS_RANGE, int)
        )
        seed = _check_range(seed, "seed", *SEED_RANGE, int)
        n_seeds = _check_range(n_seeds, "n_seeds", 1, 32, int)
        self.resolution = _check_range(resolution, "resolution", 2, 400, int)
        self.n_seeds = n_seeds

        if lr not in LR_RATES:
            raise ValueError(
                f"lr must be one of the slider's rates lab.widgets.LR_RATES "
                f"({', '.join(f'{r:g}' for r in LR_RATES)}), got {lr!r}"
            )
        if epochs % 50:
            raise ValueError(f"epochs must be a multiple of 50 (the slider's step), got {epochs!r}")
        # continuous_update: every step of a drag retrains and redraws, so the figure follows the mouse
        self.lr = ipywidgets.SelectionSlider(
            options=[(f"{r:g}", r) for r in LR_RATES], value=lr, description="lr", continuous_update=True
        )
        self.epochs = ipywidgets.IntSlider(
            value=epochs,
            min=EPOCHS_RANGE[0],
            max=EPOCHS_RANGE[1],
            step=50,
            description="epochs",
            continuous_update=True,
        )
        self.data = ipywidgets.ToggleButtons(
            options=[("XOR", "xor"), ("linear", "linear")], value=data, description="data"
        )
        self.seed = ipywidgets.IntSlider(
            value=seed, min=SEED_RANGE[0], max=SEED_RANGE[1], description="seed", continuous_update=True
        )
        self.status = ipywidgets.HTML(layout=ipywidgets.Layout(width="300px"))
        self.plot = ipywidgets.Output(layout=ipywidgets.Layout(min_height="340px", min_width="800px"))
        self.lr.add_class("lab-lr-slider")
        self.status.add_class("lab-status")
        self.plot.add_class("lab-plot")
        self.widget = ipywidgets.VBox(
            [
                ipywidgets.HBox([self.lr, self.epochs]),
                ipywidgets.HBox([self.data, self.seed]),
                ipywidgets.HBox([self.plot, self.status], layout=ipywidgets.Layout(flex_flow="row wrap")),
            ]
        )
        self.result: Result | None = None
        self.png: bytes = b""  # the figure last drawn, as PNG
        self.seconds: float = math.nan  # how long the last retrain + redraw took
        self.train_seconds: float = math.nan  # ... of which training the band
        self.draw_seconds: float = math.nan  # ... and drawing the figure
        self._canvas = _Canvas()
        self._quiet = False
        for control in (self.lr, self.epochs, self.data, self.seed):
            control.observe(self._on_change, names="value")
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    if int(ipywidgets.__version__.split(".")[0]) < 8:
        # ipywidgets 7 (Colab's) has no _repr_mimebundle_: its widgets display through this instead
        def _ipython_display_(self, **kwargs):
            return self.widget._ipython_display_(**kwargs)

    # ------------------------------------------------------------- callbacks
    def _on_change(self, change) -> None:
        """The observer of every control. It never raises: that is `update`'s job."""
        if self._quiet:
            return
        if change["owner"] is self.data:
            self._quiet = True  # one retrain for the data and its epochs, not two
            try:
                self.epochs.value = EXPLORER_EPOCHS[change["new"]]
            finally:
                self._quiet = False
        self.update()

    def update(self) -> Result:
        """Retrain and redraw for the controls' current values; show any error as a message."""
        start = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                self._retrain()
            if caught:  # shown as plain text beside the plot, never as a warning
                notes = "; ".join(sorted({str(w.message) for w in caught}))
                self.status.value += f"<p>Note: {html.escape(notes)}</p>"
        except Exception as exc:  # the front end must never see a traceback
            lr = self.lr.value
            self.result = Result(
                lr=lr,
                data=self.data.value,
                epochs=self.epochs.value,
                seeds=(self.seed.value,),
                verdict="error",
                message=f"lr = {lr:.3g}: the explorer hit an error — {type(exc).__name__}: {exc}",
                loss=math.nan,
                accuracy=math.nan,
                saturation=math.nan,
                histories=np.full((1, 1), np.nan),
                verdicts=("error",),
                networks=(),
            )
            self.status.value = f"<p><b>error</b></p><p>{html.escape(self.result.message)}</p>"
            self.plot.outputs = ()  # no stale figure beside the error
        self.seconds = time.perf_counter() - start
        return self.result

    def _retrain(self) -> None:
        """The real callback: train the band of seeds, judge it, redraw, set the status."""
        lr, data, epochs, seed = self.lr.value, self.data.value, self.epochs.value, self.seed.value
        seeds = range(seed, seed + self.n_seeds)
        start = time.perf_counter()
        result = train_band(lr, data, epochs, seeds)
        self.train_seconds = time.perf_counter() - start
        self.result = result
        self.status.value = f"<p><b>{result.verdict}</b></p><p>{html.escape(result.message)}</p>"
        X, y = load_data(data)
        start = time.perf_counter()
        self.png = self._canvas.draw(result, X, y, self.resolution)
        self.draw_seconds = time.perf_counter() - start
        # Set the Output's `outputs` rather than `with self.plot: clear_output(wait=True); display(...)`:
        # that capture is done by the front end, so headless (nbval, or a later cell moving the
        # slider) the figure would land in whichever cell caused the change. One assignment also
        # swaps the image in a single step: no flicker.
        self.plot.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(self.png).decode("ascii"),
                    "text/plain": f"<loss curve and decision boundary, lr = {lr:.3g}>",
                },
                "metadata": {},
            },
        )


class _Canvas:
    """The explorer's figure, made once: each redraw swaps the data of its artists.

    Left, the loss per epoch on a log scale: the first seed's curve over the band
    (min to max) of all seeds, and the 0.125 plateau dotted. Right, the first seed's
    probability of label 1 over the square (its colour bar beside it), its ŷ = 0.5 contour
    and the points (red 0, blue 1).

    A full matplotlib redraw costs about 0.1 s, most of it laying out the text of the ticks and
    labels, which stay the same from one learning rate to the next. So the frame (axes, ticks,
    labels, colour bar, plateau line) is drawn once and kept as pixels; a redraw pastes those
    pixels back and draws over them only what changed: the band, the curve, the probability map,
    the contour, the points and the titles ("blitting"). The frame is drawn again only when its
    axes change: other epochs, another data set, or a loss that reaches another decade.
    """

    def __init__(self):
        from matplotlib import ticker
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = fig = Figure(figsize=(10, 4.2), dpi=80)  # 800 x 336 pixels
        self.canvas = FigureCanvasAgg(fig)
        fig.subplots_adjust(left=0.08, right=0.93, bottom=0.13, top=0.92, wspace=0.2)
        self.ax_loss, self.ax_boundary = fig.subplots(1, 2, width_ratios=(1.4, 1))
        ax = self.ax_loss
        ax.set_yscale("log")
        # plain tick labels ("0.001"): the default 10⁻³ labels go through mathtext
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss  mean ½(y − ŷ)²")
        ax.axhline(PLATEAU, color="grey", ls=":", lw=1)
        ax.annotate(
            "0.125", (1, PLATEAU), xycoords=("axes fraction", "data"), ha="right", va="bottom", color="grey"
        )
        (self.curve,) = ax.plot([], [], color="tab:blue", lw=1.5, animated=True)
        self.band = None
        ax = self.ax_boundary
        self.image = ax.imshow(
            np.zeros((2, 2)),
            origin="lower",
            cmap="RdBu",
            vmin=0,
            vmax=1,
            alpha=0.35,
            interpolation="bilinear",
            animated=True,
        )
        fig.colorbar(self.image, ax=ax, label="ŷ = P(label 1)", fraction=0.08, pad=0.03)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        for ax in (self.ax_loss, self.ax_boundary):
            ax.title.set_fontsize(10)
            ax.title.set_animated(True)
        self.contour = None
        self.points = []
        self.points_of = None  # the data the points show: (X, y)
        self.frame = None  # the axes' limits the kept pixels were drawn with
        self.background = None  # ... and those pixels

    def draw(self, result: Result, X: np.ndarray, y: np.ndarray, resolution: int) -> bytes:
        """Redraw for `result`, trained on X (N, 2), y (N, 1); returns the PNG bytes."""
        net = result.networks[0]
        ax_loss, ax_boundary = self.ax_loss, self.ax_boundary
        if self.band is not None:
            self.band.remove()
            self.band = None
        h = result.histories
        loss_limits = (LOSS_FLOOR, 1.0)
        if np.isfinite(h).all():
            epochs = np.arange(1, result.epochs + 1)
            self.band = ax_loss.fill_between(
                epochs, h.min(axis=0), h.max(axis=0), alpha=0.25, color="tab:blue", lw=0, animated=True
            )
            self.curve.set_data(epochs, result.history)
            # one frame for every rate, unless a loss falls below the floor: then whole decades
            low = max(float(h.min()), 1e-12) / 1.5
            loss_limits = (
                min(10.0 ** math.floor(math.log10(low)), LOSS_FLOOR),
                max(1.0, float(h.max()) * 1.5),
            )
            ax_loss.set_title(f"lr = {result.lr:.3g}: loss, seed {result.seeds[0]} in a band of {len(h)}")
        else:
            self.curve.set_data([], [])
            ax_loss.set_title(f"lr = {result.lr:.3g}: diverged")

        gx, gy, prob = probability_grid(net, X, resolution)
        lo, hi = float(gx[0, 0]), float(gx[0, -1])
        self.image.set_data(prob)
        self.image.set_extent((lo, hi, lo, hi))
        if self.contour is not None:
            self.contour.remove()
        self.contour = ax_boundary.contour(gx, gy, prob, levels=[0.5], colors="k", linewidths=1.5)
        self.contour.set_animated(True)
        if self.points_of is None or not (
            np.array_equal(X, self.points_of[0]) and np.array_equal(y, self.points_of[1])
        ):
            for points in self.points:
                points.remove()
            self.points = [
                ax_boundary.scatter(X[y[:, 0] == i, 0], X[y[:, 0] == i, 1], c=color, s=14, animated=True)
                for i, color in enumerate(COLORS)
            ]
            self.points_of = (X.copy(), y.copy())
        accuracy = "—" if math.isnan(result.accuracy) else f"{result.accuracy:.1%}"
        ax_boundary.set_title(f"boundary ŷ = 0.5, accuracy {accuracy}")

        frame = (max(result.epochs, 2), loss_limits, (lo, hi))
        if frame != self.frame:  # new axes: draw the frame, keep its pixels
            ax_loss.set_xlim(1, frame[0])
            ax_loss.set_ylim(*loss_limits)
            ax_boundary.set_xlim(lo, hi)
            ax_boundary.set_ylim(lo, hi)
            self.canvas.draw()  # every artist but the animated ones
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
            self.frame = frame
        else:
            self.canvas.restore_region(self.background)
        dynamic = {
            ax_loss: [self.band, self.curve, ax_loss.title],
            ax_boundary: [self.image, self.contour, *self.points, ax_boundary.title],
        }
        for ax, artists in dynamic.items():
            for artist in artists:
                if artist is not None:
                    ax.draw_artist(artist)
        return _png(np.asarray(self.canvas.buffer_rgba()))


def _png(rgba: np.ndarray) -> bytes:
    """The pixels (height, width, 4) as PNG bytes, compressed lightly: the browser gets them at once."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba[:, :, :3]).save(buf, format="png", compress_level=1)
    return buf.getvalue()
