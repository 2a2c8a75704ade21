import matplotlib

matplotlib.use("Agg")

# pytest-xdist hands whole files to its workers (`--dist loadfile` in pyproject.toml: a notebook's
# cells run in order, in one kernel, and a module's fixtures are built once), in the order they are
# collected (`--no-loadscope-reorder`). The files that take longest go first, one per worker, so
# that the short ones fill the gaps and both workers finish together. Files not listed keep
# their order, after these.
_LONGEST_FIRST = [
    "tests/grader/test_grading.py",  # the grader on dozens of release copies, a class of four among them
    "tests/grader/test_attacks.py",  # thirteen release copies, every attack, in one batch
    "tests/grader/test_platforms.py",  # Gradescope's run_autograder on four releases
    "tests/lab/test_browser.py",  # JupyterLab in Chromium
    "tests/test_devcontainer.py",  # requirements.txt into a fresh venv: about two minutes of pip
    "tests/test_install.py",  # the set-up cell installs the pack into a fresh venv, then notebooks 03 and 05
    "notebooks/06_experiments.ipynb",
    "notebooks/05_learning_rate_sliders.ipynb",
    "notebooks/04_train_xor.ipynb",
    "notebooks/03_train_linear.ipynb",
]


def pytest_collection_modifyitems(items):
    def rank(item):
        path = item.nodeid.split("::", 1)[0]
        return _LONGEST_FIRST.index(path) if path in _LONGEST_FIRST else len(_LONGEST_FIRST)

    items.sort(key=rank)  # stable: a file's tests (a notebook's cells) keep their order
