"""Command line: train the report's experiments headless.

    python -m lab train {linear,xor} [--lr 0.8] [--epochs N] [--seed S] [--activation F] [--plot out.png]

prints the report-style log and the accuracy, and saves the ground-truth-vs-prediction
figure. Bad arguments give a one-line error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

from . import SEED
from ._checks import check_run_size
from .activations import ACTIVATIONS
from .data import REPORT_EPOCHS, generate_linear, generate_xor_easy
from .engine import DivergedError
from .network import Network


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # one line, whatever the arguments held (argparse quotes some of them raw), and not a novel
        message = " ".join(message.split())
        if len(message) > 300:
            message = message[:300] + " ..."
        self.exit(2, f"{self.prog}: error: {message}\n")


def _quote(text: str) -> str:
    """An argument as typed, quoted, cut short if long (an error message stays one short line)."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "..."


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"must be a number, got {_quote(text)}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {_quote(text)}")
    return value


def _int_at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # also for more digits than Python converts (4300)
            raise argparse.ArgumentTypeError(f"must be an integer, got {_quote(text)}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {_quote(text)}")
        return value

    return parse


def _figure_path(text: str) -> str:
    """--plot: a new or existing file (not a directory) in an existing directory, named with an
    image format matplotlib writes (.png, .pdf, .svg, ...); checked before any training."""
    if not text or "\0" in text:
        raise argparse.ArgumentTypeError(f"must be a file name such as out.png, got {_quote(text)}")
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"must be a file name, not a directory, got {_quote(text)}")
    folder = os.path.dirname(text) or "."
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"must be in an existing directory, got {_quote(text)}")
    from matplotlib.figure import Figure

    formats = Figure().canvas.get_supported_filetypes()
    ext = os.path.splitext(text)[1][1:].lower()
    if ext not in formats:
        raise argparse.ArgumentTypeError(
            f"must end in an image format ({', '.join('.' + f for f in sorted(formats))}), got {_quote(text)}"
        )
    return text


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lab", description="Back-propagation lab, headless.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = sub.add_parser("train", help="train the 2-4-4-1 net on a reference data set")
    train.add_argument("data", choices=["linear", "xor"], help="which data set")
    train.add_argument("--lr", type=_positive_float, default=0.8, help="learning rate (default 0.8)")
    train.add_argument(
        "--epochs",
        type=_int_at_least(0),
        default=None,
        help="passes over the data (default: linear 1000, xor 2000)",
    )
    train.add_argument(
        "--seed",
        type=_int_at_least(0),
        default=SEED,
        help=f"seed of the weights and of the linear data (default {SEED})",
    )
    train.add_argument(
        "--activation",
        choices=sorted(ACTIVATIONS),
        default="sigmoid",
        help="the hidden layers' activation (default sigmoid, the report's)",
    )
    train.add_argument(
        "--plot",
        metavar="OUT.png",
        type=_figure_path,
        default=None,
        help="save the ground-truth-vs-prediction figure there",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    X, y = generate_linear(100, seed=args.seed) if args.data == "linear" else generate_xor_easy()
    epochs = REPORT_EPOCHS[args.data] if args.epochs is None else args.epochs
    try:
        check_run_size(1, epochs, len(X))
    except ValueError as exc:
        parser.error(f"argument --epochs: {exc}")
    net = Network(activation=args.activation, seed=args.seed)
    try:
        net.fit(X, y, lr=args.lr, epochs=epochs, log_every=max(1, epochs // 10))
    except DivergedError as exc:
        print(f"python -m lab: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("python -m lab: interrupted", file=sys.stderr)
        return 130
    print(f"accuracy: {net.accuracy(X, y):.4g}")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from .plotting import plot_predictions

        fig = plot_predictions(X, y, net.predict(X))
        try:
            fig.savefig(args.plot)
        except (OSError, ValueError) as exc:
            print(f"python -m lab: error: cannot save --plot {args.plot!r}: {exc}", file=sys.stderr)
            return 2
        print(f"figure: {args.plot}")
    return 0
