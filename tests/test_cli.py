"""The ``align`` command line: help, exit codes, messages, and the seeds end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

COMMANDS = [
    "build", "pair", "sentences", "show", "score", "eval", "report", "export", "push",
    "bench textberg", "bench ntrex", "bench scoring",
]


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from align.cli.main import main; main()", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout


def test_usage_error_exits_2() -> None:
    result = run("build")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr


def test_missing_input_exits_1_with_the_path(tmp_path) -> None:
    result = run("pair", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert str(tmp_path / "nowhere") in result.stderr
    assert "Traceback" not in result.stderr


def test_build_pair_show_on_the_seeds(tmp_path, seeds_dir) -> None:
    out = tmp_path / "seeds"
    built = run("build", str(seeds_dir), "--out", str(out), "--quiet")
    assert built.returncode == 0, built.stderr
    assert "from 1 document pairs; 3 unpaired" in built.stderr

    paired = run("pair", str(seeds_dir), "--json")
    assert paired.returncode == 0, paired.stderr
    listing = json.loads(paired.stdout)
    assert [(p["fr"][:3], p["ar"][:3]) for p in listing["pairs"]] == [("000", "001")]
    assert len(listing["unpaired"]) == 3

    shown = run("show", str(out), "--limit", "2", "--logical")
    assert shown.returncode == 0, shown.stderr
    assert "L’OCS et la CEI" in shown.stdout
    assert "وتسعى المنظمتان" in shown.stdout

    visual = run("show", str(out), "--limit", "1")
    assert "وتسعى المنظمتان" not in visual.stdout  # shaped and reordered for the terminal
