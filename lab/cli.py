"""Command line: train the report's experiments headless.

    python -m lab train {linear,xor} [--lr 0.8] [--epochs N] [--seed S] [--activation F] [--plot out.png]

prints the report-style log and the accuracy, and saves the ground-truth-vs-prediction
figure. Bad arguments give a one-line error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys

from . import SEED
from .activations import ACTIVATIONS
from .data import REPORT_EPOCHS, generate_linear, generate_xor_easy
from .engine import DivergedError
from .network import Network


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return value


def _int_at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value

    return parse


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
        "--plot", metavar="OUT.png", default=None, help="save the ground-truth-vs-prediction figure there"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    X, y = generate_linear(100, seed=args.seed) if args.data == "linear" else generate_xor_easy()
    epochs = REPORT_EPOCHS[args.data] if args.epochs is None else args.epochs
    net = Network(activation=args.activation, seed=args.seed)
    try:
        net.fit(X, y, lr=args.lr, epochs=epochs, log_every=max(1, epochs // 10))
    except DivergedError as exc:
        print(f"python -m lab: error: {exc}", file=sys.stderr)
        return 1
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
