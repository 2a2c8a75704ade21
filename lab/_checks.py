"""Argument checks shared by the public functions of `lab`.

Every public function validates its input here *before* it changes any state, and every
error names the argument at fault and what was expected.

* Numbers are real numbers: bool, complex, datetime/timedelta, strings and other objects are
  refused (a TypeError), in scalars and in arrays (by dtype) alike.
* Sizes and counts are bounded by the caps below before anything is allocated from them: a
  request that cannot fit in memory, or would run for days, gets a ValueError saying so, not
  a MemoryError after trying to allocate terabytes.
* Code that can overflow float64 at finite input runs under `numeric_guard`, which turns the
  overflow into a ValueError naming the input: no RuntimeWarning escapes.
"""

from __future__ import annotations

import math
import numbers
import os
import reprlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

#: The caps. One `Network` holds at most this many weights and biases (80 MB of float64).
MAX_PARAMETERS = 10_000_000
#: One forward pass holds at most this many activations: rows of X times the sum of the layer
#: widths (800 MB of float64). Bigger batches must be passed in parts.
MAX_BATCH_VALUES = 100_000_000
#: `generate_linear` draws at most this many points.
MAX_SAMPLES = 10_000_000
#: One training call records at most this many losses: networks times epochs (800 MB).
MAX_LOSSES = 100_000_000
#: One training call makes at most this many single-sample updates, networks × epochs × points:
#: hours of CPU for the compiled loop, days for the readable one.
MAX_UPDATES = 10**11
#: The widgets train at most this many networks in one call (rates × seeds).
MAX_NETWORKS = 1_000
#: Figures take values of magnitude at most this: beyond it matplotlib's axis limits overflow.
PLOT_MAX = 1e200
#: On a log scale, values between these: beyond them matplotlib's log ticks overflow on small axes.
PLOT_LOG_RANGE = (1e-90, 1e90)

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


def int_text(value: int) -> str:
    """An int for an error message: its digits, or for a huge one how many digits it has
    (str() of an int is slow beyond a few thousand digits, and refused beyond 4300)."""
    digits = abs(value).bit_length() * 0.30103
    return f"an integer of about {digits:.0f} digits" if digits > 60 else str(value)


def count_text(n: int) -> str:
    """A (possibly huge) count for an error message, to 3 significant digits."""
    return f"{n:.3g}" if n.bit_length() < 1000 else int_text(n)


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_, np.timedelta64))


def _brief(value) -> str:
    """`value` itself, briefly: digits for an int (a count of them for a huge one), a cut repr else."""
    if _is_int(value):
        return int_text(int(value))
    try:
        return _REPR.repr(value)
    except Exception:  # a hostile __repr__ (or an int of 4300 digits inside) must not hide the error
        return f"<{type(value).__name__}>"


def seq_text(values) -> str:
    """A sequence for an error message: its first entries, each shown briefly."""
    parts = [_brief(v) for v in list(values[:8])]
    return "(" + ", ".join(parts) + (", ...)" if len(values) > 8 else ")")


def show(value) -> str:
    """A short description of `value` for an error message: its type and value, briefly."""
    return f"{type(value).__name__} {_brief(value)}"


def not_a_number(value) -> bool:
    """True for what must not pass as a number: bool, datetime/timedelta, strings, arrays, ..."""
    return isinstance(value, (bool, np.bool_, np.timedelta64, np.datetime64)) or not isinstance(
        value, numbers.Real
    )


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return `value` as an int, or raise naming `name`; `minimum`/`maximum` are inclusive bounds."""
    if not_a_number(value) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {show(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {int_text(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum:_}, got {int_text(value)}")
    return value


def check_real(value, name: str, *, finite: bool = True) -> float:
    """Return the real number `value` as a float (finite unless `finite=False`), or raise naming `name`."""
    if not_a_number(value):
        raise TypeError(f"{name} must be a real number, got {show(value)}")
    try:
        result = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got {show(value)}: beyond float64") from None
    if finite and not math.isfinite(result):
        raise ValueError(f"{name} must be a finite number, got {result!r}")
    return result


def check_seed(seed, name: str = "seed") -> int | None:
    """A seed is None (fresh entropy) or a non-negative integer."""
    if seed is None:
        return None
    return check_int(seed, name, minimum=0)


def check_lr(lr, name: str = "lr") -> float:
    """A learning rate is a finite number > 0."""
    if not_a_number(lr):
        raise TypeError(f"{name} must be a real number, got {show(lr)}")
    value = check_real(lr, name, finite=False)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def check_bool(value, name: str) -> bool:
    """True or False (numpy's too), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {show(value)}")
    return bool(value)


def check_str(value, name: str, *, optional: bool = False) -> str | None:
    """A string (or None, when `optional`)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        expected = "a string or None" if optional else "a string"
        raise TypeError(f"{name} must be {expected}, got {show(value)}")
    return value


def check_choice(value, name: str, choices) -> str:
    """One of the strings `choices`."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {tuple(choices)}, got {show(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_callable(f, name: str) -> Callable:
    if not callable(f):
        raise TypeError(f"{name} must be a callable taking no arguments, got {show(f)}")
    return f


def check_path(path, name: str = "path") -> str:
    """A file path: a non-empty str or os.PathLike naming a str, without NUL characters."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike, got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"{name} must name a str path, got {show(text)}")
    if not text or "\0" in text:
        raise ValueError(f"{name} must be a non-empty path without NUL characters, got {text!r}")
    return text


def check_real_array(a, name: str) -> np.ndarray:
    """`a` as a float64 array of any shape, from real numbers only (ints, floats); NaN and inf pass.

    bool, complex, datetime/timedelta, strings and objects are a TypeError naming `name`.
    """
    if isinstance(a, np.ndarray):
        arr = a
    else:
        try:
            arr = np.asarray(a)
        except (ValueError, TypeError, OverflowError) as exc:
            raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.dtype == np.float64:
        return arr
    with np.errstate(over="ignore"):  # a long double beyond float64 becomes inf: the caller judges
        return arr.astype(np.float64)


def check_finite(arr: np.ndarray, name: str) -> np.ndarray:
    """`arr` (a checked float array) if every entry is finite, else a ValueError naming `name`."""
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite: it holds NaN or inf")
    return arr


def check_out(out, h, name: str = "out") -> np.ndarray | None:
    """None, or a writeable float64 array shaped like `h` (an output buffer)."""
    if out is None:
        return None
    if not isinstance(out, np.ndarray) or out.dtype != np.float64:
        raise TypeError(f"{name} must be None or a float64 numpy array, got {show(out)}")
    if out.shape != np.shape(h):
        raise ValueError(f"{name} must have the shape of h, {np.shape(h)}, got {out.shape}")
    if not out.flags.writeable:
        raise ValueError(f"{name} must be writeable")
    return out


def check_X(X, n_features: int, name: str = "X") -> np.ndarray:
    """Return `X` as a float64 array of shape (N, n_features) with N >= 1, all finite."""
    arr = check_real_array(X, name)
    if arr.ndim != 2 or arr.shape[1] != n_features or arr.shape[0] < 1:
        raise ValueError(f"{name} must have shape (N, {n_features}) with N >= 1, got shape {arr.shape}")
    return check_finite(arr, name)


def check_y(y, n_samples: int, name: str = "y") -> np.ndarray:
    """Return labels `y` as a float64 array of shape (N, 1), every entry 0 or 1.

    `y` may have shape (N, 1) or (N,); N must equal `n_samples` (the length of X).
    bool labels are accepted; complex, datetime/timedelta, strings and objects are not.
    """
    try:
        arr = np.asarray(y)
    except (ValueError, TypeError, OverflowError) as exc:
        raise TypeError(f"{name} must be an array of 0/1 labels: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers 0 or 1, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != 1:
        raise ValueError(f"{name} must have shape (N, 1) or (N,), got shape {np.shape(y)}")
    if arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} labels but X has {n_samples} rows: lengths must match")
    if not ((arr == 0) | (arr == 1)).all():
        bad = arr[(arr != 0) & (arr != 1)]
        raise ValueError(f"{name} must hold only labels 0 and 1, found {bad.ravel()[0]!r}")
    return arr.astype(np.float64)


def check_parameter_count(sizes: tuple[int, ...], name: str = "sizes") -> int:
    """The number of weights and biases of a net of layer widths `sizes` (positive ints), at most
    MAX_PARAMETERS; computed in Python integers, before anything is allocated."""
    count = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{name} {seq_text(sizes)} give {int_text(count)} weights and biases, more than "
            f"the cap lab._checks.MAX_PARAMETERS = {MAX_PARAMETERS:_} ({MAX_PARAMETERS * 8 // 10**6} MB)"
        )
    return count


def check_batch(n: int, sizes: tuple[int, ...], name: str = "X") -> None:
    """A forward pass of `n` rows through a net of widths `sizes` fits under MAX_BATCH_VALUES."""
    values = n * sum(sizes)
    if values > MAX_BATCH_VALUES:
        raise ValueError(
            f"{name} has {n} rows: a forward pass through widths {sizes} would hold {values:.4g} "
            f"activations, more than the cap lab._checks.MAX_BATCH_VALUES = {MAX_BATCH_VALUES:.0e}; "
            "pass it in smaller batches"
        )


def check_run_size(k: int, epochs: int, n: int, name: str = "epochs") -> None:
    """A training call of `k` networks, `epochs` epochs over `n` points fits under the caps:
    its loss history (k × epochs) under MAX_LOSSES, its work (k × epochs × n updates) under
    MAX_UPDATES."""
    if k * epochs > MAX_LOSSES:
        raise ValueError(
            f"{name} = {int_text(epochs)} is too many for {k} network(s): the loss history would hold "
            f"{count_text(k * epochs)} numbers, more than the cap lab._checks.MAX_LOSSES = {MAX_LOSSES:.0e}"
        )
    if k * epochs * n > MAX_UPDATES:
        raise ValueError(
            f"{name} = {epochs} is too many: {k} network(s) × {epochs} epochs × {n} points make "
            f"{k * epochs * n:.3g} updates, more than the cap lab._checks.MAX_UPDATES = {MAX_UPDATES:.0e} "
            "(days of CPU)"
        )


def check_finite_weights(networks, name: str | None = "networks") -> None:
    """Every weight and bias of every network in `networks` (lab.Network objects) is finite.

    Otherwise a ValueError naming the network, the array and the index: a NaN or inf put in by
    hand is not a learning rate that is too large. With `name=None` (a network's own methods),
    the network is called "the network".
    """
    for k, net in enumerate(networks):
        if np.isfinite(net._theta).all():
            continue
        who = "the network" if name is None else f"{name}[{k}]"
        for layer, (W, b) in enumerate(zip(net.W, net.b), start=1):
            for symbol, a in (("W", W), ("b", b)):
                bad = np.argwhere(~np.isfinite(a))
                if len(bad):
                    index = tuple(int(i) for i in bad[0])
                    raise ValueError(
                        f"{who} has a non-finite weight: {symbol}{layer} (net.{symbol}[{layer - 1}]) holds "
                        f"{float(a[index])} at index {index}. Weights must be finite (was one set by hand?)"
                    )


def check_before_training(networks, X: np.ndarray, epochs: int) -> None:
    """What a training call checks once its arguments are checked one by one (`networks` a list
    of lab.Network of one shape, X (N, D) finite, epochs an int >= 0), before any weight moves:

    * every weight and bias is finite (`check_finite_weights`): a NaN put in by hand is a
      ValueError naming it, not a `DivergedError` blaming the learning rate;
    * the run fits under the caps (`check_run_size`, `check_batch`);
    * the forward pass on X does not overflow float64 (X of 1e308, say): that is a ValueError
      naming X, not a divergence blamed on the learning rate.
    """
    check_finite_weights(networks)
    check_run_size(len(networks), epochs, len(X))
    check_batch(len(X), networks[0].sizes)
    for k, net in enumerate(networks):

        def describe(k=k, net=net) -> str:
            whose = "" if len(networks) == 1 else f" of networks[{k}]"
            return (
                f"X or the weights{whose} are too large: before training, the forward pass overflows "
                f"float64 (largest |X| = {largest(X)}, largest |weight| = {largest(net._theta)})"
            )

        with numeric_guard(describe):
            net._forward(X)


@contextmanager
def numeric_guard(describe: Callable[[], str]) -> Iterator[None]:
    """Run numpy code with float overflow, invalid operations and division by zero raised, and
    re-raise them as a ValueError whose message is `describe()` (which names the input at fault).

    Underflow stays silent (it rounds to 0, as it should). Nothing is warned.
    """
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield
    except FloatingPointError as exc:
        raise ValueError(f"{describe()} ({exc})") from None


def largest(a) -> str:
    """max |a| of a float array, formatted for an error message ("1.7e+308")."""
    a = np.asarray(a)
    return f"{float(np.max(np.abs(a))):.3g}" if a.size else "-"
