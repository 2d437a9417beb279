"""Outputs: rebuilding keeps the user's files, unwritable destinations are refused before any
work, and written files follow the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from test_dataset import LANGUAGES, segment

from align.errors import InputError
from align.publish import files
from align.publish.dataset import write_dataset_dir
from align.publish.export import export_dataset
from align.viz.figures_report import write_report


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def built(tmp_path) -> Path:
    report = {"signature": {"config": {"languages": list(LANGUAGES), "embedder": "use-m3"}}}
    return write_dataset_dir(
        tmp_path / "built", {"train": [segment(0), segment(1)]}, LANGUAGES, "#", report
    )


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_rebuild_replaces_what_the_build_owns_and_keeps_the_rest(tmp_path) -> None:
    out = tmp_path / "corpus"
    write_dataset_dir(out, {"train": [segment(0)], "rejected": [segment(9)]}, LANGUAGES, "#1", {})
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    (out / "[draft] plan.md").write_text("plan", encoding="utf-8")
    (out / "report").mkdir()
    (out / "report" / "index.html").write_text("<html>", encoding="utf-8")
    (out / "latest").symlink_to("notes.txt")

    write_dataset_dir(out, {"train": [segment(1)]}, LANGUAGES, "#2", {"build": 2})

    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (out / "[draft] plan.md").read_text(encoding="utf-8") == "plan"
    assert (out / "report" / "index.html").read_text(encoding="utf-8") == "<html>"
    assert os.readlink(out / "latest") == "notes.txt"
    assert (out / "README.md").read_text(encoding="utf-8") == "#2"
    assert sorted(p.name for p in (out / "data").iterdir()) == ["train-00000-of-00001.parquet"]
    assert [p.name for p in tmp_path.iterdir()] == ["corpus"]  # no staging or old dir left


def test_a_failed_rebuild_keeps_the_users_files(tmp_path) -> None:
    out = tmp_path / "corpus"
    write_dataset_dir(out, {"train": [segment(0)]}, LANGUAGES, "#1", {})
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    with pytest.raises(TypeError):
        write_dataset_dir(out, {"train": [segment(1)]}, LANGUAGES, "#", {"bad": object()})
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (out / "README.md").read_text(encoding="utf-8") == "#1"


def test_report_rerun_keeps_files_it_did_not_write(built, embedder, tmp_path) -> None:
    out = tmp_path / "figures"
    write_report(built, out, embedder, max_pairs=0, dpi=30)
    (out / "remarks.txt").write_text("keep me", encoding="utf-8")
    write_report(built, out, embedder, max_pairs=0, dpi=30)
    assert (out / "remarks.txt").read_text(encoding="utf-8") == "keep me"
    assert (out / "index.html").exists()


def test_written_files_follow_the_umask(
    sample_dataset, built, embedder, tmp_path, umask_022
) -> None:
    out = write_dataset_dir(tmp_path / "corpus", {"train": [segment(0)]}, LANGUAGES, "#", {})
    assert mode(out) == 0o755
    assert mode(out / "README.md") == 0o644
    assert mode(out / "data" / "train-00000-of-00001.parquet") == 0o644

    for fmt in ("tmx", "moses"):
        result = export_dataset(sample_dataset, fmt, tmp_path / f"rt.{fmt}")
        assert [mode(path) for path in result.paths] == [0o644] * len(result.paths)

    index = write_report(built, tmp_path / "figures", embedder, max_pairs=0, dpi=30)
    assert mode(index.parent) == 0o755 and mode(index) == 0o644


def test_a_rebuilt_directory_keeps_its_mode(tmp_path, umask_022) -> None:
    out = write_dataset_dir(tmp_path / "corpus", {"train": [segment(0)]}, LANGUAGES, "#", {})
    out.chmod(0o750)
    write_dataset_dir(out, {"train": [segment(1)]}, LANGUAGES, "#", {})
    assert mode(out) == 0o750


# Tests run as root, which ignores permission bits; a path under a regular file cannot be
# created by anyone, so it stands for an unwritable destination on every machine.
def test_a_destination_under_a_file_is_refused(tmp_path) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    for out in (tmp_path / "file.txt" / "out", tmp_path / "file.txt" / "a" / "b"):
        with pytest.raises(InputError, match=r"cannot write here: .*file\.txt is not a directory"):
            files.check_writable(out)


def test_a_folder_that_refuses_new_files_is_refused(tmp_path, monkeypatch) -> None:
    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkdtemp", refuse)
    with pytest.raises(InputError, match=r"out: cannot write here: permission denied in "):
        files.check_writable(tmp_path / "out")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused(tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    with pytest.raises(InputError, match="permission denied"):
        files.check_writable(folder / "out")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from align.cli.main import main; main()", *args],
        capture_output=True, text=True, timeout=300,
    )


def test_commands_refuse_an_unwritable_out_before_any_work(
    sample_dataset, built, tmp_path
) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    empty_input = tmp_path / "articles"  # would fail later, with another message
    empty_input.mkdir()
    commands = {
        "build": ["build", str(empty_input), "--out", str(blocker / "seeds")],
        "export": ["export", str(sample_dataset), "--format", "tsv", "--out", str(blocker / "x")],
        "report": ["report", str(built), "--out", str(blocker / "report")],
        "score": ["score", str(built), "--out", str(blocker / "scored"), "--no-mt"],
    }
    for name, args in commands.items():
        result = run(*args)
        assert result.returncode == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [
            f"error: {args[args.index('--out') + 1]}: cannot write here: {blocker} is not a "
            "directory"
        ], name
