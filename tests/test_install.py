"""Installs are reproducible: CI and the README use the tested versions in constraints.txt."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_has_a_tested_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    requirements = project["dependencies"] + extras["test"]
    wanted = {_name(r) for r in requirements if "python_version" not in r}
    pinned = {
        _name(line): line.split("==", 1)[1]
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert wanted - set(pinned) == set()


def test_ci_runs_the_readme_test_command() -> None:
    command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert "-c constraints.txt" in command
    assert command in (ROOT / "README.md").read_text()


def _imported_from(cwd: Path, extra_path: str | None) -> str:
    """Where ``import align`` lands when Python runs in ``cwd`` without site-packages,
    with ``extra_path`` on sys.path as an editable install's .pth file puts it."""
    code = "import sys\n"
    if extra_path:
        code += f"sys.path.append({extra_path!r})\n"
    code += "import align\nfrom align import __version__\nprint(align.__file__)\n"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_a_checkout_named_align_imports_the_package_from_its_parent(tmp_path) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    (parent / "align").symlink_to(ROOT, target_is_directory=True)  # a clone named align
    # Without the checkout on sys.path, the clone folder is a namespace package.
    assert "cannot import name '__version__'" in _imported_from(parent, None)

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build = "import sys\nfrom setuptools import build_meta\nbuild_meta.build_editable(sys.argv[1])"
    subprocess.run([sys.executable, "-c", build, str(wheels)], cwd=ROOT, check=True,
                   capture_output=True)
    with zipfile.ZipFile(next(wheels.glob("*.whl"))) as wheel:
        pth = [name for name in wheel.namelist() if name.endswith(".pth")]
        lines = wheel.read(pth[0]).decode().splitlines()
    assert lines == [str(ROOT)]  # a plain path entry, not an import hook that comes too late
    assert _imported_from(parent, lines[0]) == str(ROOT / "align" / "__init__.py")


def test_the_readme_output_folder_is_no_module_name() -> None:
    readme = (ROOT / "README.md").read_text()
    outputs = set(re.findall(r"align build \S+ --out (\S+?)/", readme))
    assert outputs == {"out"}
    assert not (ROOT / "align" / "out").exists() and not (ROOT / "align" / "out.py").exists()
