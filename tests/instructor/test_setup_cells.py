"""`python -m instructor.setup_cells`: every notebook carries the same set-up cell and its own Colab
badge, the READMEs the badges, all from the one repository URL; and the tool does what it says."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from instructor.setup_cells import (
    BADGE_ID,
    BEGIN,
    END,
    SETUP_ID,
    apply_notebook,
    colab_badge,
    colab_link,
    repository,
    run,
    setup_source,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
URL = "https://github.com/backprop-lab/backprop-lab"


def test_the_repository_url_is_read_from_pyproject():
    assert repository() == URL
    assert f'"git+{URL}"' in setup_source(URL)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_opens_with_its_badge_the_title_and_the_one_set_up_cell(path):
    nb = nbformat.read(path, as_version=4)
    badge, title, setup = nb.cells[:3]
    assert (badge.id, badge.cell_type, badge.source) == (BADGE_ID, "markdown", colab_link(URL, path.name))
    assert "https://" not in badge.source.split("](")[0]  # a text link: nothing fetched when it renders
    assert f"/github/backprop-lab/backprop-lab/blob/main/notebooks/{path.name})" in badge.source
    assert title.cell_type == "markdown" and title.source.startswith(f"# {path.name[:2]} ")
    assert (setup.id, setup.cell_type, setup.source) == (SETUP_ID, "code", setup_source(URL))
    assert setup.outputs == []  # nbval-stable: lab is installed here, the cell prints nothing
    assert [c.id for c in nb.cells].count(SETUP_ID) == 1 and [c.id for c in nb.cells].count(BADGE_ID) == 1


def test_nothing_is_out_of_date():
    assert run(write=False) == []


def test_the_readme_has_a_colab_badge_per_notebook_and_the_codespaces_badge():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(BEGIN) : text.index(END)]
    for path in NOTEBOOKS:
        assert colab_badge(URL, path.name) in block
    assert "https://codespaces.new/backprop-lab/backprop-lab?quickstart=1" in block


def test_another_url_rewrites_every_cell_and_badge_and_a_second_run_changes_nothing(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy2(ROOT / "README.md", tmp_path / "README.md")
    other = "https://github.com/my-course/backprop-2027"
    changed = run(tmp_path, other)
    assert changed == [f"notebooks/{p.name}" for p in NOTEBOOKS] + ["README.md"]
    assert run(tmp_path, other) == []
    for path in NOTEBOOKS:
        nb = nbformat.read(tmp_path / "notebooks" / path.name, as_version=4)
        assert "my-course/backprop-2027/blob/main" in nb.cells[0].source
        assert nb.cells[2].source == setup_source(other) and nb.cells[2].execution_count is None
        before = nbformat.read(path, as_version=4)
        assert [c.source for c in nb.cells[3:]] == [c.source for c in before.cells[3:]]  # the rest untouched
    assert "codespaces.new/my-course/backprop-2027" in (tmp_path / "README.md").read_text()


def test_a_notebook_gets_its_cells_once_even_when_run_twice():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 09 · x"), nbformat.v4.new_code_cell("1")]
    )
    once = apply_notebook(nb, URL, "09_x.ipynb")
    twice = apply_notebook(once, URL, "09_x.ipynb")
    title, code = nb.cells[1].get("id"), nb.cells[3].get("id")
    assert [c.get("id") for c in twice.cells] == [BADGE_ID, title, SETUP_ID, code]
    assert [c.source for c in twice.cells] == [
        colab_link(URL, "09_x.ipynb"),
        "# 09 · x",
        setup_source(URL),
        "1",
    ]


@pytest.mark.parametrize(
    "url",
    ["http://github.com/a/b", "https://gitlab.com/a/b", "https://github.com/a", "git+https://github.com/a/b"],
)
def test_a_url_that_is_no_github_repository_is_refused(url):
    with pytest.raises(ValueError, match="https://github.com/OWNER/NAME"):
        setup_source(url)


def test_a_notebook_without_a_title_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    with pytest.raises(ValueError, match="first cell must be the markdown title"):
        apply_notebook(nb, URL, "x.ipynb")


def test_a_release_for_the_students_repository_points_its_cells_and_badges_there(tmp_path):
    from instructor import release, verify

    other = "https://github.com/my-course/backprop-2027"
    out = tmp_path / "student"
    release.build(out, ROOT, repository=other)
    assert repository(out / "pyproject.toml") == other
    for path in NOTEBOOKS:
        nb = nbformat.read(out / "notebooks" / path.name, as_version=4)
        assert nb.cells[0].source == colab_link(other, path.name) and nb.cells[2].source == setup_source(
            other
        )
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "codespaces.new/my-course/backprop-2027" in readme and "backprop-lab/backprop-lab" not in readme
    assert verify.verify(out, ROOT, repository=other) == []
    # the same release checked as if it were meant for the instructor's URL: its README is not
    assert any("README.md: not the copy" in p for p in verify.verify(out, ROOT))


def test_the_release_refuses_a_repository_that_is_no_github_url(tmp_path):
    from instructor import release

    with pytest.raises(
        SystemExit, match="error: --repository gitlab.com/a/b: url must be https://github.com"
    ):
        release.main([str(tmp_path / "out"), "--repository", "gitlab.com/a/b"])
    assert not (tmp_path / "out").exists()
