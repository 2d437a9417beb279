"""Resume and incremental rebuild timings of ``align build`` on an NTREX collection.

The collection is one French and one Arabic article per NTREX document (123 pairs). Three
measurements, each against a clean build with a fresh work directory:

* resume: a build killed at half the clean time, then rerun; the rerun's time over the
  clean build's, and whether its rows equal the clean build's;
* incremental: a build of 90% of the documents, then the rest added and the build rerun;
  the rerun's time over a clean build of everything, and whether the rows are equal.

Run as ``python -m align.bench.rebuild --data ../shared/eval/ntrex128``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from align.errors import InputError

_BUILD = [sys.executable, "-m", "align", "build", "--quiet", "--executor", "local"]


def write_collection(data: Path, out: Path, share: float = 1.0) -> int:
    """Write the first ``share`` of the NTREX documents as .txt articles; returns pairs."""
    files = {lang: data / f"newstest2019-ref.{lang}.txt" for lang in ("fra", "arb")}
    ids_file = data / "DOCUMENT_IDS.tsv"
    for path in [*files.values(), ids_file]:
        if not path.is_file():
            raise InputError(path, "missing: give --data the ntrex128 folder")
    ids = ids_file.read_text(encoding="utf-8").split()
    documents: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for lang, path in files.items():
        for doc, line in zip(ids, path.read_text(encoding="utf-8").splitlines(), strict=True):
            documents[doc][lang].append(line.strip())
    chosen = sorted(documents)[: round(len(documents) * share)]
    out.mkdir(parents=True, exist_ok=True)
    for doc in chosen:
        for lang, suffix in (("fra", "fr"), ("arb", "ar")):
            text = "\n\n".join(documents[doc][lang])
            (out / f"{doc}.{suffix}.txt").write_text(text + "\n", encoding="utf-8")
    return len(chosen)


def _tasks(workers: int) -> list[str]:
    """One task per worker, whatever the size of the collection."""
    return ["--workers", str(workers), "--tasks", str(workers)]


def timed_build(collection: Path, out: Path, workers: int) -> float:
    started = time.perf_counter()
    subprocess.run([*_BUILD, str(collection), "--out", str(out), *_tasks(workers)], check=True)
    return time.perf_counter() - started


def killed_build(collection: Path, out: Path, workers: int, after: float) -> bool:
    """Start a build and kill it, with all its processes, after ``after`` seconds; whether
    it was still running then (on a busy machine it may finish first)."""
    command = [*_BUILD, str(collection), "--out", str(out), *_tasks(workers)]
    process = subprocess.Popen(command, start_new_session=True)
    try:
        process.wait(timeout=after)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def rows(out: Path) -> list[dict]:
    from align.publish.dataset import load_splits

    return load_splits(out)["train"].to_list()


def measure(data: Path, workers: int, scratch: Path) -> dict[str, float | bool | int]:
    full, part = scratch / "full", scratch / "part"
    pairs = write_collection(data, full)
    write_collection(data, part, share=0.9)
    clean = timed_build(full, scratch / "clean" / "out", workers)
    killed = killed_build(full, scratch / "resumed" / "out", workers, clean / 2)
    resume = timed_build(full, scratch / "resumed" / "out", workers)
    timed_build(part, scratch / "grown" / "out", workers)
    for path in full.iterdir():
        if not (part / path.name).exists():
            shutil.copy(path, part / path.name)
    incremental = timed_build(part, scratch / "grown" / "out", workers)
    reference = rows(scratch / "clean" / "out")
    return {
        "pairs": pairs, "killed": killed, "clean_s": clean, "resume_s": resume,
        "incremental_s": incremental,
        "resume_ratio": resume / clean, "incremental_ratio": incremental / clean,
        "resume_rows_equal": rows(scratch / "resumed" / "out") == reference,
        "incremental_rows_equal": rows(scratch / "grown" / "out") == reference,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the ntrex128 folder")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="runs; medians are printed")
    args = parser.parse_args()
    runs = []
    for run in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="align-rebuild-") as scratch:
            runs.append(measure(args.data, args.workers, Path(scratch)))
        print(f"run {run + 1}: {json.dumps(runs[-1])}", flush=True)
    medians = {key: statistics.median(float(r[key]) for r in runs)
               for key in ("clean_s", "resume_s", "incremental_s", "resume_ratio",
                           "incremental_ratio")}
    equal = all(r["resume_rows_equal"] and r["incremental_rows_equal"] for r in runs)
    print(json.dumps({"runs": len(runs), "workers": args.workers, **medians,
                      "rows_equal_in_every_run": equal}, indent=2))


if __name__ == "__main__":
    main()
