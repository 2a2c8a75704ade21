"""Attacks on the grader, each from a stub release (every task a stub): none scores more than the
stub release itself, and none leaves the machine changed (no file written or deleted outside
the submission's copy, the grader's files as they were, no process left running).

Each attack is code in the submission: most sit in `lab/__init__.py`, which runs when the
sandboxed worker first imports `lab`. All attack copies are graded in one batch, on six items
that cover every kind of call (an activation, the forward and backward passes, the SGD step,
training, the notebooks): the attack code runs whatever the item.
"""

from __future__ import annotations

import hashlib
import json
import resource
import tempfile
import time
from pathlib import Path

from grader_helpers import REPO, copy_of, grade

from grader import sandbox

MARKER = "grader-attack-sleeper-7d1c"
HIDDEN = REPO / "instructor" / "hidden_tests"
ITEMS = ["sigmoid", "forward", "grad_layer1", "sgd_step", "xor", "notebooks"]


def attacks(canary: Path) -> dict[str, dict[str, str]]:
    """name -> {file of the submission: text appended to it (or, for a new file, its text)}."""
    fake_results = (
        "import json, os\n"
        "req = json.load(open('/grader/request.json'))\n"
        "ok = [{'id': c['id'], 'ok': True, 'value': {}, 'warnings': []} for c in req['calls']]\n"
    )
    return {
        "the runner replaced (every op returns made-up data, every notebook cell 'passed')": {
            "lab/__init__.py": (
                "import sys\n"
                "_main = sys.modules.get('__main__')\n"
                "def _fake(call):\n"
                "    arr = {'array': [[0.5]], 'dtype': 'float64', 'shape': [1, 1]}\n"
                "    lst = {'list': [arr] * 8}\n"
                "    cells = [dict(id=c['id'], ok=True, values={}) for c in call.get('cells', [])]\n"
                "    return {'value': arr, 'is_out': True, 'ps': lst, 'grads': lst, 'params': lst,\n"
                "            'copied': lst, 'train': arr, 'fresh': arr, 'cells': cells}\n"
                "if _main is not None and hasattr(_main, 'OPS'):\n"
                "    for _k in list(_main.OPS):\n"
                "        _main.OPS[_k] = _fake\n"
            )
        },
        "faked results written to the results' pipe, then exit 0": {
            "lab/__init__.py": fake_results
            + "os.write(3, json.dumps({'version': 1, 'results': ok}).encode())\n"
            "os._exit(0)\n"
        },
        "a malformed message on the results' pipe": {
            "lab/__init__.py": "import os\nos.write(3, b'not json at all\\n{')\nos._exit(0)\n"
        },
        "the hidden checks' reference loaded, the instructor's lab imported": {
            "lab/__init__.py": (
                "import sys\n"
                f"for _p in [{str(HIDDEN / 'reference.py')!r}, {str(REPO / 'lab' / 'network.py')!r}]:\n"
                "    try:\n"
                "        exec(compile(open(_p).read(), _p, 'exec'), {})\n"
                "        print('READ', _p, file=sys.stderr)\n"
                "    except Exception:\n"
                "        pass\n"
                f"sys.path.insert(0, {str(REPO)!r})\n"
                "import site\n"
                "site.main()  # the venv's .pth files: an editable install would point at the instructor\n"
            )
        },
        "the grader's checks and worker rewritten": {
            "lab/__init__.py": (
                f"for _p in [{str(REPO / 'grader' / 'rubric' / 'public' / 'check_sgd.py')!r},\n"
                f"           {str(HIDDEN / 'check_sgd.py')!r}, '/grader/worker.py']:\n"
                "    try:\n"
                "        open(_p, 'w').write('def sgd_step():\\n    return []\\n')\n"
                "    except OSError:\n"
                "        pass\n"
            )
        },
        "a file written and one deleted outside the copy": {
            "lab/__init__.py": (
                "import os\n"
                f"for _f in [{str(canary)!r}, {str(canary.parent / 'written.txt')!r}]:\n"
                "    try:\n"
                "        os.remove(_f)\n"
                "    except OSError:\n"
                "        pass\n"
                "    try:\n"
                "        open(_f + '.new', 'w').write('x')\n"
                "    except OSError:\n"
                "        pass\n"
            )
        },
        "a detached process left behind": {
            "lab/__init__.py": (
                "import os, subprocess, sys\n"
                f"_sleep = ['-c', 'import time; time.sleep(300)  # {MARKER}']\n"
                "subprocess.Popen([sys.executable, *_sleep], start_new_session=True,\n"
                "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                "if os.fork() == 0:\n"
                "    os.setsid()\n"
                "    os.execv(sys.executable, [sys.executable, *_sleep])\n"
            )
        },
        "10 GiB of memory asked for": {"lab/__init__.py": "_hog = bytearray(10 * 2**30)\n"},
        "an output flood (300 MiB)": {
            "lab/__init__.py": (
                "import sys\n_line = 'x' * (1 << 20)\nfor _ in range(300):\n    print(_line)\n"
                "    sys.stderr.write(_line)\n"
            )
        },
        "a conftest.py, a sitecustomize.py and a .pth that fake the results": {
            "conftest.py": "import pytest\n\ndef pytest_runtest_makereport(item, call):\n    pass\n",
            "sitecustomize.py": (
                "import json, os, sys\n"
                "_dump = json.dump\n"
                "def dump(obj, fh, *a, **k):\n"
                "    for r in obj.get('results', []):\n"
                "        r['ok'] = True\n"
                "    return _dump(obj, fh, *a, **k)\n"
                "json.dump = dump\n"
                "sys.excepthook = lambda *a: None\n"
            ),
            "evil.pth": "import sitecustomize\n",
            "lab/sitecustomize.py": "raise SystemExit(0)\n",
        },
    }


def notebooks_that_only_run(path: Path) -> None:
    """Checking cells deleted from notebook 01, every cell of notebook 02 wrapped in try/except."""
    nb1 = path / "notebooks" / "01_chain_rule.ipynb"
    data = json.loads(nb1.read_text(encoding="utf-8"))
    data["cells"] = [c for c in data["cells"] if "check" not in c.get("metadata", {}).get("tags", [])]
    nb1.write_text(json.dumps(data), encoding="utf-8")
    nb2 = path / "notebooks" / "02_build_the_network.ipynb"
    data = json.loads(nb2.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        if cell["cell_type"] == "code":
            body = "".join(cell["source"]).replace("\n", "\n    ")
            cell["source"] = f"try:\n    {body}\nexcept BaseException:\n    pass\n"
    nb2.write_text(json.dumps(data), encoding="utf-8")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _sleepers() -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if MARKER.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


def test_no_attack_scores_more_than_the_stub_release_or_changes_the_machine(
    stub_release, tmp_path, monkeypatch
):
    assert sandbox.bwrap() is not None, "bubblewrap is needed (.ci/run installs it)"
    temp = tmp_path / "temp"  # the grader's temporary folder goes here: it must be gone after
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    outside = tmp_path / "outside"
    outside.mkdir()
    canary = outside / "canary.txt"
    canary.write_text("keep me")
    paths = [copy_of(stub_release, tmp_path, "stub", fill=False)]
    named = attacks(canary)
    for i, files in enumerate(named.values()):
        path = copy_of(stub_release, tmp_path, f"attack{i}", fill=False)
        for rel, text in files.items():
            with open(path / rel, "a", encoding="utf-8") as fh:
                fh.write("\n" + text)
        paths.append(path)
    path = copy_of(stub_release, tmp_path, "notebooks_only_run", fill=False)
    notebooks_that_only_run(path)
    paths.append(path)
    names = ["the stub release", *named, "notebooks that only run"]

    grader_files, hidden_files = _digest(REPO / "grader"), _digest(HIDDEN)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    reports = grade(paths, only=ITEMS, jobs=2)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    stub_score = reports[0]["score"]
    assert stub_score == 0 and reports[0]["max_score"] == 65
    for name, report in zip(names, reports):
        assert report["status"] == "graded", name
        assert report["score"] <= stub_score, f"{name}: {[(i['id'], i['points']) for i in report['items']]}"
        assert len(report["items"]) == len(ITEMS), name
    flood = reports[names.index("an output flood (300 MiB)")]
    assert all("printed more than" in i["detail"] for i in flood["items"]), flood
    malformed = reports[names.index("a malformed message on the results' pipe")]
    assert {i["status"] for i in malformed["items"]} <= {"error", "crashed"}, malformed
    # the machine as it was
    assert canary.read_text() == "keep me" and sorted(p.name for p in outside.iterdir()) == ["canary.txt"]
    assert _digest(REPO / "grader") == grader_files and _digest(HIDDEN) == hidden_files
    deadline = time.monotonic() + 10  # the kernel kills a PID namespace's processes with its init
    while _sleepers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _sleepers() == []
    assert rss_after - rss_before < 200 * 1024, "the grader's memory grew with the flood"
    assert list(temp.iterdir()) == []
