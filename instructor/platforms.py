"""On which platforms do the pins of requirements.txt install? Asks the package index, prints a table.

    python -m instructor.platforms            # the README's platform table (markdown), ~10 minutes

For every pinned package whose installed wheel is not pure Python (tag `py3-none-any`), and for each
platform of `PLATFORMS`, pip looks for a wheel of exactly the pinned version for CPython 3.11.7
(`pip install --dry-run --only-binary=:all: --no-deps --platform ... --python-version 3.11.7`). Then
the installed pins' own requirements, their markers evaluated for that platform, give what pip adds
there unpinned (colorama on Windows, say; pip itself cannot say: with `--platform` it evaluates
markers for the machine it runs on). Pins whose environment marker is false on a platform are not
asked for there. It needs the package index (pip downloads the wheels into a temporary folder), so it
is no test; its output is pasted into README.md.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
#: The Python asked for: 3.11 with a micro version, since some pins need more than 3.11.0
#: (soupsieve 4.1.3: Requires-Python >= 3.11.5).
PYTHON = "3.11.7"

#: name -> (pip --platform tags, the marker environment of that platform)
PLATFORMS = {
    "Linux x86_64": (
        ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
        {
            "sys_platform": "linux",
            "platform_machine": "x86_64",
            "platform_system": "Linux",
            "os_name": "posix",
        },
    ),
    "Linux aarch64": (
        ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
        {
            "sys_platform": "linux",
            "platform_machine": "aarch64",
            "platform_system": "Linux",
            "os_name": "posix",
        },
    ),
    "macOS arm64 (11+)": (
        ["macosx_14_0_arm64", "macosx_11_0_arm64", "macosx_11_0_universal2"],
        {
            "sys_platform": "darwin",
            "platform_machine": "arm64",
            "platform_system": "Darwin",
            "os_name": "posix",
        },
    ),
    "macOS x86_64 (Intel)": (
        ["macosx_14_0_x86_64", "macosx_10_15_x86_64", "macosx_10_9_x86_64", "macosx_10_9_universal2"],
        {
            "sys_platform": "darwin",
            "platform_machine": "x86_64",
            "platform_system": "Darwin",
            "os_name": "posix",
        },
    ),
    "Windows x86_64": (
        ["win_amd64"],
        {"sys_platform": "win32", "platform_machine": "AMD64", "platform_system": "Windows", "os_name": "nt"},
    ),
}


def pins(path: Path = REPO / "requirements.txt") -> list[Requirement]:
    """The `name==version` lines of a requirements file (its `-e .` and comments left out)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split(" #")[0].strip()
        if line and not line.startswith(("#", "-")):
            out.append(Requirement(line))
    return out


def is_pure(name: str) -> bool:
    """Is the installed distribution `name` a pure-Python wheel (py3-none-any)?"""
    try:
        wheel = metadata.distribution(name).read_text("WHEEL") or ""
    except metadata.PackageNotFoundError:  # not installed here (a Windows-only pin, say): ask
        return False
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    return bool(tags) and all(tag.endswith("-none-any") for tag in tags)


def _pip(args: list[str], platform_tags: list[str], target: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q"]
    command += ["--only-binary=:all:", "--python-version", PYTHON, "--target", target]
    for tag in platform_tags:
        command += ["--platform", tag]
    return subprocess.run(command + args, capture_output=True, text=True, timeout=900)


def applies(req: Requirement, env: dict) -> bool:
    return req.marker is None or req.marker.evaluate({**default_environment(), **env})


def unpinned(reqs: list[Requirement], env: dict) -> list[str]:
    """What the pinned packages require on a platform (their installed metadata, its markers evaluated
    for that platform) that the file does not pin: pip installs the newest such version there."""
    names = {canonicalize_name(r.name) for r in reqs}
    out = set()
    for req in reqs:
        try:
            requires = metadata.distribution(req.name).requires or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            dep = Requirement(line)
            wanted = dep.marker is None or dep.marker.evaluate({**default_environment(), **env, "extra": ""})
            if wanted and canonicalize_name(dep.name) not in names:
                out.add(f"{dep.name}{dep.specifier} (for {req.name})")
    return sorted(out)


def check(platform: str) -> tuple[list[str], list[str]]:
    """(pins without a wheel for `platform`, what the pins require there that the file does not pin)."""
    tags, env = PLATFORMS[platform]
    reqs = [r for r in pins() if applies(r, env)]
    missing = []
    with tempfile.TemporaryDirectory() as target:
        for req in reqs:
            if not is_pure(req.name) and _pip(["--no-deps", str(req).split(";")[0]], tags, target).returncode:
                missing.append(str(req).split(";")[0])
    return missing, unpinned(reqs, env)


def main() -> int:
    print("| platform | pinned packages without a wheel for CPython 3.11 | added there, unpinned |")
    print("|---|---|---|")
    for platform in PLATFORMS:
        missing, extra = check(platform)
        print(f"| {platform} | {', '.join(missing) or 'none'} | {', '.join(extra) or 'none'} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
