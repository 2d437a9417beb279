"""The ``align`` command line: help, exit codes, messages, and the seeds end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from examples import AR, COAL_AR, COAL_FR, FR

from align.cli.build import print_summary
from align.cli.console import print_error
from align.cli.main import app, main
from align.engine.pipeline import BuildConfig
from align.publish.dataset import write_dataset_dir
from align.records import Segment
from align.wording import counted


def command_names(group: Any, prefix: str = "") -> list[str]:
    """Every command and group of the app (a click group), as typed after ``align``."""
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix}{name}")
        if hasattr(command, "commands"):
            names += command_names(command, f"{prefix}{name} ")
    return names


COMMANDS = ["", *command_names(typer.main.get_command(app))]
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from align.cli.main import main; main()", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )


def test_the_command_list_is_complete() -> None:
    assert {"", "build", "sentences", "bench", "bench speed", "bench scoring"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert re.search(r"Examples?: align ", result.stdout)
    assert "…" not in result.stdout  # nothing cut when the help goes to a pipe


def test_help_shows_the_codes_defaults() -> None:
    config = BuildConfig()
    built = run("build", "--help").stdout
    assert f"(default {config.align.max_size})" in built
    assert f"(default {config.align.deletion_penalty})" in built
    assert f"(default {config.pairing.threshold})" in built
    assert "--deletion-penalty" in built
    sentences = run("sentences", "--help").stdout
    assert f"[default: {config.align.max_size}]" in sentences


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
    assert (
        f"{out}: 12 segments kept, 0 filtered, from 1 document pair; 3 unpaired documents, "
        "0 rejected articles;" in built.stderr
    )
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "12 aligned fr–ar segments from 1 document pair (" in card
    assert list((tmp_path / "seeds.work").glob("embed-*/documents-*.parquet"))  # sharded

    # The README quotes this build's report.
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    pair = report["pairs"][0]
    assert (
        f"score {pair['score']}: sentence coverage {pair['sentence_coverage']}, shared\n"
        f"  numbers {pair['number_overlap']}, length agreement {pair['length_agreement']}"
    ) in README
    first, *others = report["unpaired"]
    assert f'("{first["reason"]}" for {first["id"][:3]}' in README
    for item in others:
        score = re.search(r"scored (\S+) <", item["reason"]).group(1)
        assert f"{score} for {item['id'][:3]}" in README

    table = run("pair", str(seeds_dir))  # piped: laid out wide, ids whole
    assert table.returncode == 0, table.stderr
    assert all(f" {p[lang]} " in table.stdout for p in report["pairs"] for lang in ("fr", "ar"))
    assert all(f" {u['id']} " in table.stdout for u in report["unpaired"])

    paired = run("pair", str(seeds_dir), "--json")
    assert paired.returncode == 0, paired.stderr
    listing = json.loads(paired.stdout)
    assert [(p["fr"][:3], p["ar"][:3]) for p in listing["pairs"]] == [("000", "001")]
    assert len(listing["unpaired"]) == 3

    shown = run("show", str(out), "--limit", "2", "--logical")
    assert shown.returncode == 0, shown.stderr
    assert f"{out}, train split: 2 of 12 pairs" in shown.stdout
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


def test_sentences_reads_paragraphs_unless_presplit(tmp_path) -> None:
    fr = [" ".join(COAL_FR[:2]), COAL_FR[2], " ".join(COAL_FR[3:])]
    (tmp_path / "doc.fr").write_text("\n".join(fr), encoding="utf-8")
    (tmp_path / "doc.ar").write_text(
        "\n".join([" ".join(COAL_AR[:2]), " ".join(COAL_AR[2:])]), encoding="utf-8")
    (tmp_path / "lines.fr").write_text("\n".join(COAL_FR), encoding="utf-8")
    (tmp_path / "lines.ar").write_text("\n".join(COAL_AR), encoding="utf-8")
    paragraphs = run("sentences", str(tmp_path / "doc.fr"), str(tmp_path / "doc.ar"))
    lines = run("sentences", str(tmp_path / "lines.fr"), str(tmp_path / "lines.ar"), "--presplit")
    assert paragraphs.returncode == lines.returncode == 0, paragraphs.stderr + lines.stderr
    beads = [[line.rsplit(":", 1)[0] for line in out.stdout.splitlines()]
             for out in (paragraphs, lines)]
    assert "[2]:[]" in beads[0]  # the byline, a paragraph of its own, is deleted
    assert "[2, 3]:[2]" in beads[1]  # as bare sentences it joins the next paragraph's bead


@pytest.mark.parametrize(
    ("args", "option", "problem"),
    [
        (["--signal", "magic"], "--signal", "'magic' is not one of 'embedding', 'mt'"),
        (["--max-size", "0"], "--max-size", "greater than or equal to 2"),
        (["--deletion-penalty", "-1"], "--deletion-penalty", "greater than or equal to 0"),
        (["--src-lang", "xx"], "--src-lang", "unknown language code 'xx'"),
        (["--tgt-lang", "arabic"], "--tgt-lang", "unknown language code 'arabic'"),
    ],
)
def test_sentences_usage_errors_name_the_option(tmp_path, args, option, problem) -> None:
    (tmp_path / "a").write_text("Bonjour.", encoding="utf-8")
    result = run("sentences", str(tmp_path / "a"), str(tmp_path / "a"), *args)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.replace("│", " ").split())
    assert f"Invalid value for '{option}'" in message and problem in message
    assert "max_src" not in message and "Traceback" not in message


def test_build_rejects_an_unknown_language(tmp_path, seeds_dir) -> None:
    result = run("build", str(seeds_dir), "--out", str(tmp_path / "x"), "--languages", "fr,xx")
    assert result.returncode == 2
    message = " ".join(result.stderr.replace("│", " ").split())
    assert "Invalid value for '--languages': unknown language code 'xx'" in message


def test_file_system_errors_become_one_line(monkeypatch, capsys) -> None:
    def full_disk() -> None:
        raise OSError(28, "No space left on device", "out/[v2]/data")

    monkeypatch.setattr("align.cli.main.app", full_disk)
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    assert capsys.readouterr().err == "error: out/[v2]/data: No space left on device\n"


def test_messages_keep_square_brackets(tmp_path, capsys) -> None:
    missing = tmp_path / "[draft] notes"
    result = run("pair", str(missing))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {missing}: no such file or directory"

    print_error("sentence-transformers is not installed (pip install 'align[labse]') :x:")
    assert capsys.readouterr().err == (
        "error: sentence-transformers is not installed (pip install 'align[labse]') :x:\n"
    )


def test_show_prints_brackets_in_texts_ids_and_paths(tmp_path) -> None:
    segment = Segment(
        "[v1] seg", "Le [mt] plan coûte 5 €.", "تكلف الخطة 5 يورو.", "[draft] fr.txt", "ar.txt",
        (0,), (0,), "1-1", 0.9, {},
    )
    report = {"signature": {"config": {"languages": ["fr", "ar"]}}}
    out = write_dataset_dir(tmp_path / "[v2] corpus", {"train": [segment]}, ("fr", "ar"), "#",
                            report)
    shown = run("show", str(out), "--logical")
    assert shown.returncode == 0, shown.stderr
    assert f"{out}, train split: 1 of 1 pair" in shown.stdout
    assert "Le [mt] plan coûte 5 €." in shown.stdout


def test_build_summary_names_rejected_files_and_filtered_segments(capsys) -> None:
    rejected = [{"id": f"[draft] {n}.txt", "reason": "empty file"} for n in range(7)]
    report = {
        "counts": {"kept_segments": 1, "document_pairs": 1, "unpaired_documents": 0,
                   "rejected_articles": 7},
        "filters": {"low_score": 2, "length_ratio": 1, "duplicate_pair": 0},
        "rejected": rejected, "notes": [], "seconds": 1.25,
    }
    print_summary(Path("out/x"), report)
    assert capsys.readouterr().err.splitlines() == [
        "out/x: 1 segment kept, 3 filtered, from 1 document pair; 0 unpaired documents, "
        "7 rejected articles; 1.2 s",
        "filtered: low_score 2, length_ratio 1",
        *(f"rejected: [draft] {n}.txt: empty file" for n in range(5)),
        f"rejected: 2 more, listed in {Path('out/x/build_report.json')}",
    ]


@pytest.mark.parametrize(
    ("number", "noun", "expected"),
    [(0, "document pair", "0 document pairs"), (1, "document pair", "1 document pair"),
     (2, "segment", "2 segments"), (1, "entry", "1 entry"), (3, "entry", "3 entries")],
)
def test_counted(number: int, noun: str, expected: str) -> None:
    plural = "entries" if noun == "entry" else None
    assert counted(number, noun, plural) == expected
