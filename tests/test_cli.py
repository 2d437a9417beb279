"""The ``align`` command line: help, exit codes, messages, and the seeds end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from examples import AR, FR

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


# Back-translations of AR, as a MarianMT ar→fr model would give them.
BACK = [
    "Le gouvernement a annoncé mardi un nouveau plan pour l'emploi des jeunes.",
    "Le plan prévoit la création de 50 000 postes dans les régions rurales.",
    "Il sera financé par l'Union européenne.",
    "Le ministre a déclaré que les premiers recrutements auront lieu en septembre.",
]
EXPECTED = ["[0]:[0]", "[1]:[1, 2]", "[2]:[]", "[3]:[3]"]


@pytest.mark.parametrize("signal", ["embedding", "mt"])
def test_sentences_prints_vecalign_format(tmp_path, signal: str) -> None:
    (tmp_path / "doc.fr").write_text("\n".join(FR), encoding="utf-8")
    (tmp_path / "doc.ar").write_text("\n".join(AR), encoding="utf-8")
    (tmp_path / "mt.jsonl").write_text(
        "\n".join(json.dumps({"text": a, "translation": b}, ensure_ascii=False)
                  for a, b in zip(AR, BACK, strict=True)),
        encoding="utf-8",
    )
    result = run("sentences", str(tmp_path / "doc.fr"), str(tmp_path / "doc.ar"), "--presplit",
                 "--signal", signal, "--translations", str(tmp_path / "mt.jsonl"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.rsplit(":", 1)[0] for line in lines] == EXPECTED
    assert all(0.0 <= float(line.rsplit(":", 1)[1]) <= 1.0 for line in lines)


def test_unknown_signal_is_a_usage_error(tmp_path) -> None:
    (tmp_path / "a").write_text("Bonjour.", encoding="utf-8")
    result = run("sentences", str(tmp_path / "a"), str(tmp_path / "a"), "--signal", "magic")
    assert result.returncode == 2
    assert "unknown signal" in result.stderr
