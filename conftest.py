"""pytest's set-up for the whole repository. It sits at the top so that pytest loads it whatever
it is given to run: the whole suite, a test file, or one notebook alone
(`python -m pytest notebooks/06_experiments.ipynb`). The shared test helpers, and the order in
which the files are handed out (tests/conftest.py), live in tests/."""


def pytest_configure(config):
    # On the readable numpy loop the notebooks run about 200x slower and print what numpy's
    # rounding gives, not the kernel's: tests/time_budget.py says why they are then checked
    # nbval-lax, with a longer cell timeout. The unit tests stay as they are.
    from time_budget import fit_nbval_to_engine

    fit_nbval_to_engine(config.option)


def pytest_report_header(config):
    from time_budget import engine_line

    return engine_line(config.option)
