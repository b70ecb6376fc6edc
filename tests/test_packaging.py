"""The wheel built from the repo (not an editable install) ships every module, the styles and the script.

The wheel is built from a copy of the working tree, so the build leaves nothing behind in the repo.
Installing it into a fresh virtual environment is left out (slow); instead the console script's
target is run from the unpacked wheel, with the repo kept off ``sys.path``.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIRS = ("app", "widgets", "styles")
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "tests",
    "screenshots",
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the working tree, without caches, virtualenv or tests."""
    copy = tmp_path_factory.mktemp("source") / "kalshi-dash"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCE)
    return copy


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel ``pip wheel`` builds from the copy."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "-w", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("kalshi_dash-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_carries_every_tcss_file(source: Path, wheel: zipfile.ZipFile) -> None:
    in_source = {f"styles/{path.name}" for path in (source / "styles").glob("*.tcss")}
    in_wheel = {name for name in wheel.namelist() if name.startswith("styles/") and name.endswith(".tcss")}
    assert in_wheel, "no styles/*.tcss in the wheel"
    assert in_wheel == in_source


def test_wheel_carries_every_python_module(source: Path, wheel: zipfile.ZipFile) -> None:
    in_source = {
        path.relative_to(source).as_posix()
        for folder in PACKAGE_DIRS
        for path in (source / folder).rglob("*.py")
    }
    in_wheel = {name for name in wheel.namelist() if name.endswith(".py")}
    assert in_source - in_wheel == set()
    assert not [name for name in wheel.namelist() if "__pycache__" in name or name.startswith("tests/")]


def test_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [name for name in wheel.namelist() if name.endswith(".dist-info/entry_points.txt")]
    parser = configparser.ConfigParser()
    parser.read_string(wheel.read(entry_points).decode())
    assert dict(parser["console_scripts"]) == {"kalshi-dash": "app.cli.main:main"}


def test_console_script_runs_from_the_unpacked_wheel(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    unpacked = tmp_path / "site"
    wheel.extractall(unpacked)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import app.cli.main;"
        "assert app.cli.main.__file__.startswith(sys.argv[1]), app.cli.main.__file__;"
        "sys.exit(app.cli.main.main(['--help']))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code, str(unpacked)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: kalshi-dash")
