"""The sharded build: the rows and report of the in-memory pipeline whatever the task count
(given pairs, WARC input included), resume after a kill, incremental rebuilds equal to
clean builds, and the Ray executor."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from examples import AR, FR
from test_given import AR_URL, FR_URL, OTHER_AR, OTHER_FR, STORY_AR, STORY_FR, write_jsonl
from test_warc import PAGES, write_warc

from align.engine.build import build, recipe_for
from align.engine.collect import InputFile
from align.engine.executors import ExecutorOptions
from align.engine.pipeline import BuildConfig, build_corpus
from align.engine.sharded import TASK_BYTES, default_tasks, work_dir_for
from align.errors import ConfigError, InputError
from align.publish.dataset import load_splits
from align.publish.report import build_report, build_signature
from align.records import Segment
from align.stages.clean import clean_or_reason
from align.stages.filters import apply_filters
from align.stages.scoring import score_segments
from align.stages.split import split_paragraphs

ROOT = Path(__file__).resolve().parent.parent


def rows(out: Path) -> dict[str, list[dict]]:
    return {name: split.to_list() for name, split in load_splits(out).items()}


def without_time(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "seconds"}


@pytest.fixture(scope="module")
def collection(tmp_path_factory, seeds_dir) -> Path:
    """The seeds plus a second translated pair and a duplicate article."""
    folder = tmp_path_factory.mktemp("collection") / "in"
    shutil.copytree(seeds_dir, folder)
    (folder / "emploi.txt").write_text("\n\n".join(FR), encoding="utf-8")
    (folder / "emploi-ar.txt").write_text("\n\n".join(AR), encoding="utf-8")
    shutil.copy(seeds_dir / "002_2bf75eb65d455bd3.txt", folder / "002-copy.txt")
    return folder


@pytest.fixture(scope="module")
def one_task(tmp_path_factory, collection, embedder) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("one") / "out"
    report = build(collection, out, embedder=embedder, keep_rejected=True)
    return out, report


def count_calls(monkeypatch) -> tuple[list[str], list[str]]:
    """The ids of the articles the build cleans and the languages of the documents it
    splits into sentences, as it runs (its tasks in this process)."""
    import align.engine.collect as collect
    import align.engine.compute as compute

    cleaned: list[str] = []
    split: list[str] = []

    def clean(article, *args):
        cleaned.append(article.id)
        return clean_or_reason(article, *args)

    def split_into_sentences(paragraphs, lang):
        split.append(lang)
        return split_paragraphs(paragraphs, lang)

    monkeypatch.setattr(collect, "clean_or_reason", clean)
    monkeypatch.setattr(compute, "split_paragraphs", split_into_sentences)
    return cleaned, split


class CountingEmbedder:
    """The test embedder, counting the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.texts = inner, inner.name, []

    def encode(self, texts):
        self.texts += list(texts)
        return self.inner.encode(texts)


def test_several_tasks_give_the_rows_of_one(tmp_path, collection, embedder, one_task) -> None:
    out, report = one_task
    assert report["counts"]["document_pairs"] == 2
    assert report["counts"]["documents"] == 8  # an article published twice is kept twice
    sharded = build(collection, tmp_path / "out", embedder=embedder, keep_rejected=True,
                    tasks=3)
    assert rows(tmp_path / "out") == rows(out)
    assert without_time(sharded) == without_time(report)
    assert len(list(work_dir_for(tmp_path / "out").glob("embed-*/documents-*.parquet"))) == 3


def test_a_rerun_reuses_every_finished_task(tmp_path, collection, embedder, one_task) -> None:
    counting = CountingEmbedder(embedder)
    build(collection, tmp_path / "out", embedder=counting, tasks=2)
    assert counting.texts
    counting.texts.clear()
    again = build(collection, tmp_path / "out", embedder=counting, tasks=2, keep_rejected=True)
    assert counting.texts == []  # nothing embedded, nothing aligned again
    assert rows(tmp_path / "out") == rows(one_task[0])
    assert without_time(again) == without_time(one_task[1])


def test_added_articles_rebuild_like_a_clean_build(tmp_path, collection, embedder,
                                                  monkeypatch) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for path in sorted(collection.iterdir()):
        if not path.name.startswith("emploi"):
            shutil.copy(path, before / path.name)
    counting = CountingEmbedder(embedder)
    build(before, tmp_path / "out", embedder=counting, tasks=2)
    seen = set(counting.texts)
    counting.texts.clear()
    cleaned, split = count_calls(monkeypatch)
    for name in ("emploi.txt", "emploi-ar.txt"):
        shutil.copy(collection / name, before / name)
    incremental = build(before, tmp_path / "out", embedder=counting, tasks=2)
    assert sorted(cleaned) == ["emploi", "emploi-ar"]  # only new articles cleaned
    assert sorted(split) == ["ar", "fr"]  # and split into sentences
    monkeypatch.undo()
    clean = build(before, tmp_path / "clean", embedder=embedder, tasks=2)
    assert rows(tmp_path / "out") == rows(tmp_path / "clean")
    assert without_time(incremental) == without_time(clean)
    assert counting.texts and not seen & set(counting.texts)  # only new texts embedded
    stages = {path.name.split("-")[0] for path in work_dir_for(tmp_path / "out").iterdir()}
    assert stages == {"cache", "read", "ids", "count", "clean", "embed", "pair", "align",
                      "filter"}  # the folders of the first build are gone, the caches kept


def cleaned_paragraphs(out: Path, article: str) -> list[str]:
    import pyarrow.parquet as pq

    paths = sorted(work_dir_for(out).glob("clean-*/documents-*.parquet"))
    (row,) = [row for path in paths for row in pq.read_table(path).to_pylist()
              if row["id"] == article]
    return row["paragraphs"]


def test_an_article_is_cleaned_again_when_its_site_furniture_changes(
        tmp_path, embedder, monkeypatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    line = "Rubrique économie et société"
    (folder / "emploi.txt").write_text("\n\n".join([FR[0], line, *FR[1:]]), encoding="utf-8")
    (folder / "emploi-ar.txt").write_text("\n\n".join(AR), encoding="utf-8")
    build(folder, tmp_path / "out", embedder=embedder, tasks=2)
    assert line in cleaned_paragraphs(tmp_path / "out", "emploi")  # on one page: kept
    cleaned, _ = count_calls(monkeypatch)
    (folder / "autre.txt").write_text("\n\n".join([FR[3], line, FR[0]]), encoding="utf-8")
    incremental = build(folder, tmp_path / "out", embedder=embedder, tasks=2)
    assert sorted(cleaned) == ["autre", "emploi"]  # a line of its site's furniture now
    assert line not in cleaned_paragraphs(tmp_path / "out", "emploi")
    monkeypatch.undo()
    clean = build(folder, tmp_path / "clean", embedder=embedder, tasks=2)
    assert rows(tmp_path / "out") == rows(tmp_path / "clean")
    assert without_time(incremental) == without_time(clean)


_BUILD = """
import sys
from align.engine.build import build
if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2], tasks=2, workers=2)
"""


def test_a_killed_build_resumes_with_the_same_rows(tmp_path, collection, one_task) -> None:
    out = tmp_path / "out"
    script = tmp_path / "run.py"
    script.write_text(_BUILD, encoding="utf-8")
    command = [sys.executable, str(script), str(collection), str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    work = work_dir_for(out)
    deadline = time.monotonic() + 300
    while not list(work.glob("embed-*/logs/completions/*")) and process.poll() is None:
        assert time.monotonic() < deadline, "the build did not reach the embedding stage"
        time.sleep(0.2)
    assert process.poll() is None, "the build finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    finished = {p: p.stat().st_mtime_ns for p in work.glob("read-*/articles-*.parquet")}
    assert finished and not out.exists()
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert {p: p.stat().st_mtime_ns for p in finished} == finished  # finished shards reused
    assert rows(out) == {"train": rows(one_task[0])["train"]}
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert report["pairs"] == one_task[1]["pairs"]


def test_stage_shards_hold_vectors_once_per_document(tmp_path, seeds_dir, embedder) -> None:
    import pyarrow.parquet as pq

    build(seeds_dir, tmp_path / "out", embedder=embedder, tasks=1)
    (embedded,) = work_dir_for(tmp_path / "out").glob("embed-*/documents-00000.parquet")
    table = pq.read_table(embedded).to_pylist()
    assert len(table) == 5
    for row in table:
        vectors = np.frombuffer(row["vectors"], dtype=np.float32).reshape(len(row["sentences"]), -1)
        assert np.allclose(vectors, embedder.encode(row["sentences"]), atol=1e-5)


def in_memory(inputs: Path, config: BuildConfig, embedder) -> tuple[dict, list[Segment]]:
    """The report and kept segments of the in-memory pipeline on ``inputs``."""
    result = build_corpus(inputs, config, embedder)
    scored = score_segments(result.segments, languages=config.languages)
    kept, _, counts = apply_filters(scored, config.filters)
    signature = build_signature(config, embedder=embedder.name, translator=None,
                                seed=recipe_for(inputs, config).seed, recipe=None)
    report = build_report(result, {"train": len(kept)}, counts, signature)
    return json.loads(json.dumps(report)), kept


def given_jsonl(folder: Path) -> tuple[Path, BuildConfig]:
    """A JSONL file of given pairs, one of them unrelated, and an ordinary article pair."""
    folder.mkdir()
    write_jsonl(folder / "given.jsonl", [
        {"id": "story-1", "fr": STORY_FR, "ar": STORY_AR, "fr_url": FR_URL, "ar_url": AR_URL},
        {"id": "mixed-up", "fr": OTHER_FR, "ar": OTHER_AR},
    ])
    (folder / "emploi.txt").write_text("\n\n".join(FR), encoding="utf-8")
    (folder / "emploi-ar.txt").write_text("\n\n".join(AR), encoding="utf-8")
    return folder, BuildConfig()


def pairs_file(folder: Path) -> tuple[Path, BuildConfig]:
    """Articles, a pairs file naming one pair by URL and id, and a subfolder not read."""
    (folder / "in" / "older").mkdir(parents=True)
    write_jsonl(folder / "in" / "articles.jsonl", [
        {"id": "a", "lang": "fr", "text": STORY_FR, "url": FR_URL},
        {"id": "b", "lang": "fr", "text": OTHER_FR},
        {"id": "c", "lang": "ar", "text": STORY_AR, "url": AR_URL},
        {"id": "d", "lang": "ar", "text": OTHER_AR},
    ])
    pairs = folder / "pairs.tsv"
    pairs.write_text(f"# French\tArabic\n{FR_URL}\tc\n", encoding="utf-8")
    return folder / "in", BuildConfig(pairs_file=str(pairs))


def warc(folder: Path) -> tuple[Path, BuildConfig]:
    """A crawl whose requests, redirects, errors and non-HTML payloads are skipped."""
    folder.mkdir()
    return write_warc(folder / "crawl.warc.gz", PAGES), BuildConfig()


@pytest.mark.parametrize(("make", "tasks"), [(given_jsonl, 2), (pairs_file, 2), (warc, 1)])
def test_the_sharded_build_reports_what_the_in_memory_pipeline_finds(
    tmp_path, embedder, make, tasks
) -> None:
    inputs, config = make(tmp_path / "case")
    report = build(inputs, tmp_path / "out", config, embedder=embedder, tasks=tasks)
    expected, kept = in_memory(inputs, config, embedder)
    assert without_time(report) == without_time(expected)
    assert [row["id"] for row in rows(tmp_path / "out")["train"]] == [s.id for s in kept]
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    rows_at = [re.search(rf"\n\| {name} \| \d", card) for name in kept[0].scores]
    listed = [found.start() for found in rows_at if found]  # the score statistics rows
    assert len(listed) > 1 and listed == sorted(listed)  # score columns in the scorers' order


def test_the_facts_each_case_is_about(tmp_path, embedder) -> None:
    report = build(given_jsonl(tmp_path / "given")[0], tmp_path / "a", embedder=embedder)
    [unrelated] = report["unrelated_given_pairs"]
    # wheat prices against football: every bead is unrelated, so every sentence is deleted
    assert unrelated["fr"] == "mixed-up" and unrelated["segments"] == 0
    assert {row["fr_doc"] for row in rows(tmp_path / "a")["train"]} == {"story-1", "emploi"}
    inputs, config = pairs_file(tmp_path / "file")
    report = build(inputs, tmp_path / "b", config, embedder=embedder)
    assert [(p["fr"], p["ar"], p["given"]) for p in report["pairs"]] == [("a", "c", True)]
    assert report["rejected"][0]["reason"].startswith("subdirectory, not read")
    report = build(warc(tmp_path / "warc")[0], tmp_path / "c", embedder=embedder)
    assert report["skipped_records"]["request_record"] == 1


def test_a_pairs_file_naming_an_unknown_document_is_an_input_error(tmp_path, embedder) -> None:
    inputs, config = pairs_file(tmp_path)
    Path(config.pairs_file).write_text("a\tnope\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"pairs\.tsv: line 1: no document with id or URL 'nope'"):
        build(inputs, tmp_path / "out", config, embedder=embedder)


@pytest.mark.parametrize(("sizes", "workers", "tasks"), [
    ([17_000], 8, 1), ([3 * TASK_BYTES], 2, 2), ([TASK_BYTES, TASK_BYTES, TASK_BYTES // 2], 8, 2),
])
def test_small_inputs_run_in_fewer_tasks(tmp_path, sizes, workers, tasks) -> None:
    files = []
    for n, size in enumerate(sizes):
        (tmp_path / f"{n}.txt").write_bytes(b"x" * size)
        files.append(InputFile(str(tmp_path / f"{n}.txt"), 0))
    assert default_tasks(files, workers) == tasks


def test_unknown_executor_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown executor 'spark'"):
        ExecutorOptions(kind="spark")


def test_the_build_runs_on_a_local_ray_cluster(tmp_path, collection, one_task) -> None:
    ray = pytest.importorskip("ray")
    try:
        build(collection, tmp_path / "out", tasks=2,
              executor=ExecutorOptions(kind="ray", workers=2))
    finally:
        ray.shutdown()
    assert rows(tmp_path / "out") == {"train": rows(one_task[0])["train"]}
