"""Machine translation for back-translation scoring: MarianMT models or precomputed output.

``MarianTranslator`` runs a Hugging Face MarianMT model (e.g. ``Helsinki-NLP/opus-mt-ar-fr``)
in length-sorted batches and keeps every translation in a persistent cache keyed by the model,
its decoding settings and the text, so a rerun translates nothing twice.
``PrecomputedTranslator`` reads translations made elsewhere from a JSONL file of
``{"text": ..., "translation": ...}`` lines. Torch and transformers are imported only when a
Marian model is loaded.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from align.errors import InputError, ModelLoadError
from align.models.hub import check_available, offline

DEFAULT_MT_MODEL = "Helsinki-NLP/opus-mt-ar-fr"
DEFAULT_REVERSE_MODEL = "Helsinki-NLP/opus-mt-fr-ar"


@runtime_checkable
class Translator(Protocol):
    """Translates texts in order; ``name`` identifies the system in scores and caches."""

    name: str

    def translate(self, texts: Sequence[str]) -> list[str]: ...


def default_cache_dir() -> Path:
    """``$ALIGN_CACHE`` if set, else ``~/.cache/align``."""
    return Path(os.environ.get("ALIGN_CACHE") or Path.home() / ".cache" / "align")


class TranslationCache:
    """A SQLite table of translations keyed by (system key, source text)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translations "
                "(system TEXT, text TEXT, translation TEXT, PRIMARY KEY (system, text))"
            )
        except (OSError, sqlite3.Error) as error:
            raise InputError(path, f"cannot open the translation cache: {error}") from None

    def get(self, system: str, texts: Iterable[str]) -> dict[str, str]:
        """The cached translations among ``texts``."""
        found: dict[str, str] = {}
        query = "SELECT text, translation FROM translations WHERE system = ? AND text = ?"
        for text in texts:
            row = self._db.execute(query, (system, text)).fetchone()
            if row is not None:
                found[row[0]] = row[1]
        return found

    def put(self, system: str, pairs: Iterable[tuple[str, str]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?)",
                [(system, text, translation) for text, translation in pairs],
            )


class MarianTranslator:
    """A MarianMT model (Hub id or local directory) run in length-sorted batches.

    ``device`` defaults to CUDA when available (in half precision there), else CPU.
    Translations are cached in ``cache_dir/translations.sqlite`` (``cache_dir`` defaults to
    ``default_cache_dir()``); ``use_cache=False`` turns the cache off.
    """

    def __init__(
        self,
        model: str = DEFAULT_MT_MODEL,
        device: str | None = None,
        batch_size: int = 32,
        beam_size: int = 4,
        max_length: int = 256,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        progress: bool = True,
    ) -> None:
        self.name = model
        self.batch_size = max(1, batch_size)
        self.beam_size = beam_size
        self.max_length = max_length
        self.progress = progress
        self._tokenizer, self._model, self.device = _load_marian(model, device)
        local = Path(model).expanduser()
        # the model (a local one by absolute path) and the settings that change its output
        self.cache_key = (
            f"{local.resolve() if local.is_dir() else model}"
            f"|beam={beam_size}|max_length={max_length}"
        )
        self._cache = (
            TranslationCache((cache_dir or default_cache_dir()) / "translations.sqlite")
            if use_cache
            else None
        )

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts``; cached and repeated texts are not translated again."""
        unique = list(dict.fromkeys(texts))
        done = self._cache.get(self.cache_key, unique) if self._cache else {}
        missing = self._longest_first([t for t in unique if t not in done])
        with _progress_bar(len(missing), self.name, self.progress) as advance:
            for start in range(0, len(missing), self.batch_size):
                batch = missing[start : start + self.batch_size]
                translated = list(zip(batch, self._generate(batch), strict=True))
                done.update(translated)
                if self._cache:
                    self._cache.put(self.cache_key, translated)
                advance(len(batch))
        return [done[text] for text in texts]

    def _longest_first(self, texts: list[str]) -> list[str]:
        """Texts sorted by token count, longest first, so each batch pads little."""
        if not texts:
            return texts
        ids = self._tokenizer(texts, truncation=True, max_length=self.max_length)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]), reverse=True)
        return [texts[i] for i in order]

    def _generate(self, batch: list[str]) -> list[str]:
        import torch

        inputs = self._tokenizer(
            batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_length
        ).to(self.device)
        with torch.inference_mode():
            output = self._model.generate(
                **inputs, num_beams=self.beam_size, max_length=self.max_length
            )
        return self._tokenizer.batch_decode(output, skip_special_tokens=True)


def _load_marian(model: str, device: str | None) -> tuple[Any, Any, str]:
    """Tokenizer, model (eval mode, on device) and the device name; ModelLoadError if absent.

    A Hub id is looked up in the local Hugging Face cache first, so a cached model loads
    without network access; the Hub is asked only when it is missing and not offline.
    """
    local = Path(model).expanduser()
    if model.startswith((".", "/", "~")) and not local.is_dir():
        raise ModelLoadError(model, "no such local directory")
    if not local.is_dir():
        check_available(model)
    try:
        import torch
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as error:
        raise ModelLoadError(
            model, f"{error.name} is not installed (pip install 'align[mt]')", hint=None
        ) from error
    hf_logging.disable_progress_bar()
    path = str(local) if local.is_dir() else model

    def load(local_only: bool) -> tuple[Any, Any]:
        network = MarianMTModel.from_pretrained(path, local_files_only=local_only)
        try:
            tokenizer = MarianTokenizer.from_pretrained(path, local_files_only=local_only)
        except (OSError, TypeError, ValueError) as error:
            raise OSError("no Marian tokenizer (source.spm, target.spm, vocab.json)") from error
        return tokenizer, network

    try:
        tokenizer, network = load(local_only=True)
    except Exception as error:  # hub, file and format errors share no base class
        if local.is_dir():
            raise ModelLoadError(model, _first_line(error), hint=None) from error
        if offline():
            raise ModelLoadError(model, _first_line(error), hint="The cached copy is incomplete: "
                                 "download it again with network access.") from error
        try:
            tokenizer, network = load(local_only=False)
        except Exception as error:
            raise ModelLoadError(model, _first_line(error)) from error
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        network = network.to(device)
    except (RuntimeError, AssertionError) as error:
        raise ModelLoadError(model, f"device {device!r} unusable: {_first_line(error)}") from error
    if device.startswith("cuda"):
        network = network.half()
    return tokenizer, network.eval(), device


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0].rstrip(".") if text else type(error).__name__


@contextmanager
def _progress_bar(total: int, label: str, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)`` driving a rich bar on stderr with a sentences/s rate."""
    if not enabled or total == 0:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    started = time.perf_counter()
    columns = ("{task.fields[rate]:.1f} sentences/s", TimeRemainingColumn())
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        *columns,
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"translating ({label})", total=total, rate=0.0)

        def advance(n: int) -> None:
            done = bar.tasks[0].completed + n
            bar.update(task, advance=n, rate=done / max(time.perf_counter() - started, 1e-9))

        yield advance


class PrecomputedTranslator:
    """Translations read from a JSONL file of ``{"text": ..., "translation": ...}`` objects."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = f"precomputed:{self.path.name}"
        self._table = _read_translations(self.path)

    def translate(self, texts: Sequence[str]) -> list[str]:
        missing = [t for t in texts if t not in self._table]
        if missing:
            raise InputError(
                self.path, f"no translation for {len(missing)} text(s), e.g. {missing[0][:80]!r}"
            )
        return [self._table[t] for t in texts]


def _read_translations(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise InputError(path, "translation file not found")
    table: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                table[record["text"]] = record["translation"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError(
                    path, f'line {number}: expected {{"text": ..., "translation": ...}}'
                ) from None
    return table


def load_translator(
    model: str | None = DEFAULT_MT_MODEL,
    translations: str | Path | None = None,
    **options: Any,
) -> Translator:
    """A precomputed translator when ``translations`` is given, else a MarianTranslator."""
    if translations is not None:
        return PrecomputedTranslator(translations)
    return MarianTranslator(model or DEFAULT_MT_MODEL, **options)
