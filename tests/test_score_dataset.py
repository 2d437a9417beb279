"""``align score``: scores added to a dataset on disk, atomically, input kept on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from align.cli.score import score
from align.errors import InputError
from align.models.translate import PrecomputedTranslator
from align.publish.score_dataset import score_dataset

TRANSLATIONS = {
    "انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون حول "
    "مكافحة الإرهاب في طشقند بأوزبكستان.":
    "Une conférence commune de la CEI et de l’OCS sur la lutte contre le terrorisme s’est "
    "ouverte mercredi à Tachkent, en Ouzbékistan.",
    "ووفقا للبيان الصحفي، فإن التوترات الجيوسياسية المتزايدة شكلت تحديات فريدة للجهود "
    "الرامية إلى مكافحة التطرف في جميع أنحاء العالم.":
    "Selon le communiqué de presse, les tensions géopolitiques croissantes ont posé des défis "
    "uniques aux efforts visant à combattre l’extrémisme dans le monde entier.",
    "وسيناقش الحضور، الخميس، التعاون في مجال مكافحة تمويل الإرهاب.":
    "Jeudi, les participants discuteront de la coopération dans la lutte contre le financement "
    "du terrorisme.",
    "زر الذهاب إلى الأعلى": "Bouton aller en haut",
}


def read_split(directory: Path, split: str):
    from datasets import Dataset
    from pyarrow.parquet import read_table

    return Dataset(read_table(directory / "data" / f"{split}-00000-of-00001.parquet"))


@pytest.fixture()
def translations(tmp_path: Path) -> Path:
    path = tmp_path / "mt.ar-fr.jsonl"
    path.write_text("".join(json.dumps({"text": k, "translation": v}, ensure_ascii=False) + "\n"
                            for k, v in TRANSLATIONS.items()), encoding="utf-8")
    return path


def test_scores_a_dataset_dir_into_a_new_dir(sample_dataset: Path, translations: Path,
                                             tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in sample_dataset.rglob("*") if p.is_file()}
    out = tmp_path / "scored"
    summary = score_dataset(sample_dataset, out, PrecomputedTranslator(translations))
    assert {p: p.read_bytes() for p in sample_dataset.rglob("*") if p.is_file()} == before
    assert summary["rows"] == 4 and summary["files"] == 3
    assert summary["translator"] == "precomputed:mt.ar-fr.jsonl"
    train = read_split(out, "train")
    assert train.features["bt_chrf"].dtype == "float32"
    assert train["fr_doc"] == ["fr1", "fr1"]  # other columns kept
    assert 0.5 < train["bt_chrf"][0] < 1.0  # 0–1 scale replaces the old column
    assert all(score > 0.9 for score in train["score"])
    rejected = read_split(out, "rejected")
    assert rejected["score"][0] < 0.2
    assert set(train.column_names) >= {"length_ratio", "lang_fr", "lang_ar", "bt_bleu"}
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert report["scoring"]["rows"] == 4 and "signature" in report
    assert (out / "README.md").read_bytes() == before[sample_dataset / "README.md"]


def test_in_place_without_translator(sample_dataset: Path) -> None:
    old_chrf = read_split(sample_dataset, "train")["bt_chrf"]
    score_dataset(sample_dataset)
    train = read_split(sample_dataset, "train")
    assert "score" in train.column_names
    assert train["bt_chrf"] == old_chrf  # no translator: the old column is left untouched
    assert not [p for p in sample_dataset.parent.iterdir() if p.name.startswith(".")]


def test_failure_keeps_the_input(sample_dataset: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial.jsonl"
    partial.write_text('{"text": "زر الذهاب إلى الأعلى", "translation": "Haut"}\n', "utf-8")
    before = {p: p.read_bytes() for p in sample_dataset.rglob("*") if p.is_file()}
    with pytest.raises(InputError, match="no translation for 3 text"):
        score_dataset(sample_dataset, translator=PrecomputedTranslator(partial))
    assert {p: p.read_bytes() for p in sample_dataset.rglob("*") if p.is_file()} == before


def test_single_parquet_file(sample_dataset: Path, tmp_path: Path) -> None:
    source = sample_dataset / "data" / "test-00000-of-00001.parquet"
    out = tmp_path / "test.parquet"
    assert score_dataset(source, out)["rows"] == 1
    from pyarrow.parquet import read_table

    assert "lang_ar" in read_table(out).column_names


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d, "holds no parquet files"),
        (lambda d: d / "absent", "not found"),
    ],
)
def test_bad_inputs(tmp_path: Path, make, problem: str) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match=problem):
        score_dataset(make(tmp_path))


def test_refuses_to_replace_a_non_dataset(sample_dataset: Path, tmp_path: Path) -> None:
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="refusing"):
        score_dataset(sample_dataset, other)
    assert (other / "notes.txt").read_text() == "keep me"


def test_cli(sample_dataset: Path, translations: Path, tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(score)
    result = CliRunner().invoke(app, [str(sample_dataset), "--out", str(tmp_path / "o"),
                                      "--translations", str(translations), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "scored 4 segments" in result.output
    assert read_split(tmp_path / "o", "test")["score"][0] > 0.9


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"HF_ENDPOINT": "http://127.0.0.1:9"},
         "and the Hub at http://127.0.0.1:9 cannot be reached"),
        ({"HF_HUB_OFFLINE": "1"}, "and HF_HUB_OFFLINE is set so the Hub is not asked"),
    ],
)
def test_score_without_the_model_fails_at_once(sample_dataset: Path, tmp_path: Path,
                                               env: dict[str, str], problem: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    environment.update(env, HF_HOME=str(tmp_path / "hf"))
    result = subprocess.run(
        [sys.executable, "-m", "align", "score", str(sample_dataset)],
        capture_output=True, text=True, env=environment, timeout=300,
    )
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "cannot load model 'Helsinki-NLP/opus-mt-ar-fr': not in the Hugging Face cache" \
        in message
    assert problem in message
    assert "Traceback" not in result.stderr
    assert "HF_HUB_OFFLINE=1" not in message
