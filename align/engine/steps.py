"""The build's stages as datatrove pipeline steps, and where each writes its shards.

A ``Plan`` is everything a task needs, small enough to send to another process or
machine. Each stage writes to its own folder in the work directory, named after a
fingerprint of its inputs and settings: a rerun of the same build finds the folder and
datatrove's completion marks in it and skips finished tasks; a build with other inputs or
settings gets new folders (and still finds the caches).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datatrove.pipeline.base import PipelineStep

from align import __version__
from align.engine.cache import DiskCache, cache_folder
from align.engine.collect import InputFile, clean_stage, count_stage, ids_stage, read_stage
from align.engine.compute import align_stage, embed_stage, filter_stage
from align.engine.pairs import pair_stage
from align.engine.pipeline import BuildConfig
from align.engine.shards import digest, dumps
from align.models.embed import Embedder, load_embedder
from align.models.translate import Translator
from align.stages.clean import comparison_key
from align.stages.language import identify, line_language
from align.stages.split import split_paragraphs

STAGES = ("read", "ids", "count", "clean", "embed", "pair", "align", "filter")
SINGLE_TASK = frozenset({"pair"})
PER_EMBEDDER = frozenset({"embeddings", "pairs"})


@dataclass(frozen=True)
class Plan:
    """One build: its input files, settings, task count, work directory and stage folders."""

    work: str
    files: tuple[InputFile, ...]
    config: BuildConfig
    tasks: int
    embedder: str
    translator: str | None = None
    stage_folders: tuple[tuple[str, str], ...] = ()

    @classmethod
    def create(cls, work: str | Path, files: list[InputFile], config: BuildConfig, tasks: int,
               embedder: str, translator: str | None = None) -> Plan:
        plan = cls(str(work), tuple(files), config, tasks, embedder, translator)
        prints = plan.fingerprints()
        return dataclasses.replace(plan, stage_folders=tuple(
            (stage, str(Path(work) / f"{stage}-{prints[stage]}")) for stage in STAGES
        ))

    def fingerprints(self) -> dict[str, str]:
        """Each stage's fingerprint: the previous one plus what the stage depends on."""
        listing = [(f.path, f.input, *_stat(f.path)) for f in self.files]
        config = dataclasses.asdict(self.config)
        depends = {
            "read": [__version__, listing, self.tasks],
            "ids": [], "count": [],
            "clean": [config["languages"]],
            "embed": [self.embedder],
            "pair": [config["pairing"], config["pairs_file"], _content(config["pairs_file"])],
            "align": [config["align"], config["signal"], config["mt_weight"], self.translator,
                      config["given_check"]],
            "filter": [config["filters"], [_tree_stat(p) for p in config["filters"]["exclude"]]],
        }
        prints: dict[str, str] = {}
        previous = ""
        for stage in STAGES:
            previous = prints[stage] = digest(previous, stage, dumps(depends[stage]))
        return prints

    def folders(self) -> dict[str, Path]:
        return {stage: Path(folder) for stage, folder in self.stage_folders}

    def tasks_of(self, stage: str) -> int:
        return 1 if stage in SINGLE_TASK else self.tasks

    def cache(self, kind: str) -> DiskCache:
        """The disk cache of ``kind``; vectors and aligned pairs are kept per embedder."""
        root = Path(self.work) / "cache"
        if kind in PER_EMBEDDER:
            return DiskCache(cache_folder(root, kind, self.embedder))
        return DiskCache(root / kind)


def _stat(path: str) -> tuple[int, int]:
    stat = Path(path).stat()
    return stat.st_size, stat.st_mtime_ns


def _tree_stat(path: str) -> list[tuple[str, int, int]]:
    """Size and modification time of a file, or of every file under a folder."""
    root = Path(path)
    files = sorted(root.rglob("*")) if root.is_dir() else [root]
    return [(str(f), *_stat(str(f))) for f in files if f.is_file()]


def _content(path: str) -> str:
    """A digest of a small file's content ("" for no file or one that cannot be read: the
    stage that reads it says why)."""
    try:
        return digest(Path(path).read_text(encoding="utf-8-sig")) if path else ""
    except (OSError, UnicodeDecodeError):
        return ""


_models: dict[tuple[str, str], Any] = {}


def use_models(embedder: Embedder | None, translator: Translator | None) -> None:
    """Let tasks in this process use these model objects instead of loading them by name."""
    if embedder is not None:
        _models["embedder", embedder.name] = embedder
    if translator is not None:
        _models["translator", translator.name] = translator


class LazyEmbedder:
    """The embedder named ``name``, loaded on first use (once per process)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def encode(self, texts: Any) -> Any:
        key = ("embedder", self.name)
        if key not in _models:
            _models[key] = load_embedder(self.name, cached=False)
        return _models[key].encode(texts)


def _translator(name: str | None) -> Translator | None:
    if name is None:
        return None
    if ("translator", name) not in _models:
        raise RuntimeError(f"translator {name!r} is only available in the building process")
    return _models["translator", name]


def prepare_stage(plan: Plan, stage: str) -> None:
    """Load in this process what each task of ``stage`` would load on its own (the text
    normaliser, the language identifiers, the sentence splitter: about a second each), so
    worker processes forked from it start with them."""
    if stage in ("read", "count", "clean", "align", "filter"):
        comparison_key("Prêt.")
    if stage in ("clean", "align", "filter"):
        identify("Prêt.")
        identify("Prêt.", plan.config.languages)
        line_language("Prêt.")
    if stage in ("embed", "align"):
        split_paragraphs(["Prêt."], "fr")


def run_stage(plan: Plan, stage: str, rank: int) -> None:
    """Run one task of one stage."""
    folders = plan.folders()
    out = folders[stage]
    out.mkdir(parents=True, exist_ok=True)
    tasks, embedder = plan.tasks, LazyEmbedder(plan.embedder)
    if stage == "read":
        read_stage(list(plan.files), out, rank, tasks)
    elif stage == "ids":
        ids_stage(folders["read"], out, rank)
    elif stage == "count":
        count_stage(folders["read"], folders["ids"], out, rank, tasks)
    elif stage == "clean":
        clean_stage(folders["read"], folders["ids"], folders["count"], out,
                    plan.config.languages, plan.cache("documents"), rank)
    elif stage == "embed":
        embed_stage(folders["clean"], out, plan.cache("sentences"), plan.cache("embeddings"),
                    embedder, rank)
    elif stage == "pair":
        pair_stage(folders["embed"], out, plan.config, embedder, tasks)
    elif stage == "align":
        align_stage(folders["pair"], out, plan.config, plan.cache("pairs"), embedder,
                    _translator(plan.translator), rank, tasks)
    elif stage == "filter":
        filter_stage(folders["align"], out, plan.config, rank)
    else:
        raise ValueError(f"unknown stage {stage!r}")


class BuildStep(PipelineStep):
    """One stage of the build as a datatrove step: task ``rank`` does its share."""

    type = "align"

    def __init__(self, plan: Plan, stage: str) -> None:
        self.name = stage
        super().__init__()
        self.plan = plan
        self.stage = stage

    def run(self, data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        with self.track_time("task"):
            run_stage(self.plan, self.stage, rank)
        yield from ()
