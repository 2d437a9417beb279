"""Choosing aligner settings by cross-validation over development sets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from align.aligner.sentences import AlignConfig
from align.bench.evaluate import Scores
from align.bench.tune import (
    Trial,
    cross_validate,
    describe,
    grid,
    load_cache,
    objective,
    save_cache,
)
from align.errors import InputError
from align.models.embed import CachedEmbedder


def scores(strict: float) -> Scores:
    return Scores(strict, strict, strict, 1.0, 1.0, 1.0)


def test_grid_combines_every_value() -> None:
    configs = grid(AlignConfig(), {"skip_slope": [0.0, 1.0], "skip_quantile": [0.1, 0.5]})
    assert [(c.skip_slope, c.skip_quantile) for c in configs] == [
        (0.0, 0.1), (0.0, 0.5), (1.0, 0.1), (1.0, 0.5)
    ]
    assert describe(configs[0]) == "skip_slope=0.0"  # skip_quantile 0.1 is the default
    assert describe(AlignConfig()) == "defaults"


def test_held_out_choice_ignores_the_held_out_set() -> None:
    # setting A is best on "a" alone; B is best on "b" and "c" and overall
    a, b = AlignConfig(skip_slope=1.0), AlignConfig(skip_slope=2.0)
    trials = [
        Trial(a, {"a": scores(0.99), "b": scores(0.80), "c": scores(0.85)}),
        Trial(b, {"a": scores(0.90), "b": scores(0.90), "c": scores(0.90)}),
    ]
    result = cross_validate(trials)
    assert result["a"] == (objective(scores(0.90)), objective(scores(0.90)), b)
    # without "b", A wins on a + c (0.99 + 0.85 > 0.90 + 0.90): its score on b is held out
    assert result["b"] == (objective(scores(0.80)), objective(scores(0.90)), a)


class Fixed:
    name = "fixed"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 4), dtype=np.float32) / 2


def test_embedding_cache_round_trip(tmp_path: Path) -> None:
    embedder = CachedEmbedder(Fixed())
    embedder.encode(["Bonjour.", "مرحبا."])
    path = tmp_path / "cache.npz"
    save_cache(path, embedder)
    assert sorted(load_cache(path)) == ["Bonjour.", "مرحبا."]
    assert load_cache(tmp_path / "missing.npz") == {}


def test_unreadable_cache_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.npz"
    path.write_text("not numpy")
    with pytest.raises(InputError, match="cache.npz"):
        load_cache(path)


def run_align(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "align", *args], capture_output=True, text=True, check=False
    )


def test_tune_command_names_a_missing_data_directory(tmp_path: Path) -> None:
    missing = tmp_path / "textberg"
    result = run_align("bench", "tune", "--textberg", str(missing), "--ntrex", str(tmp_path))
    assert result.returncode == 1
    assert str(missing) in result.stderr and "Traceback" not in result.stderr


def test_unknown_scoring_is_a_clear_error(tmp_path: Path) -> None:
    result = run_align("bench", "textberg", "--data", str(tmp_path), "--scoring", "bertalign")
    assert result.returncode == 1
    assert "scoring must be one of signals, margin" in result.stderr
