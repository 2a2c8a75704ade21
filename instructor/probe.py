"""Run on a built release (`python instructor/probe.py RELEASE_DIR`, with PYTHONPATH=RELEASE_DIR):
every module of its `lab` imports, and every path that trains or differentiates runs into a stub.
Prints one line per problem; prints nothing when the release is sound.
"""

import importlib
import os
import pkgutil
import sys

import numpy as np

import lab


def net():
    return lab.Network((2, 3, 4, 1), seed=0)


def main() -> None:
    root = os.path.realpath(sys.argv[1])
    if not os.path.realpath(lab.__file__).startswith(root + os.sep):
        sys.exit(f"lab was imported from {lab.__file__}, not from the release {root}")
    for module in pkgutil.iter_modules(lab.__path__):
        if module.name != "__main__":
            importlib.import_module("lab." + module.name)

    from lab import activations, engine

    X, y = lab.generate_xor_easy()
    probes = {
        "activations.sigmoid": lambda: activations.sigmoid(np.zeros(3)),
        "activations.sigmoid_derivative": lambda: activations.sigmoid_derivative(np.zeros(3)),
        "activations._sigmoid_grad": lambda: activations._sigmoid_grad(np.full(3, 0.5)),
        "Network.forward": lambda: net().forward(X),
        "Network.gradients": lambda: net().gradients(X, y),
        "Network._backward (given activations)": lambda: net()._backward(
            [X, np.full((21, 3), 0.5), np.full((21, 4), 0.5), np.full((21, 1), 0.5)], y
        ),
        "Network.sgd_step": lambda: net().sgd_step(X[:1], y[:1], 0.8),
        "Network.fit": lambda: net().fit(X, y, epochs=1),
        "train_many": lambda: lab.train_many([net(), lab.Network((2, 3, 4, 1), seed=1)], X, y, epochs=1),
        "check_gradients": lambda: lab.check_gradients(net(), X, y),
    }
    for name, probe in probes.items():
        try:
            probe()
        except NotImplementedError:
            continue
        except Exception as exc:
            print(f"{name}: raised {type(exc).__name__}: {exc} (expected the stub's NotImplementedError)")
        else:
            print(f"{name}: ran to the end without reaching a stub: it computes what the students must write")
    if engine.kernel is not None:
        print("lab.kernel is in the release: training would bypass the students' code")


if __name__ == "__main__":
    main()
