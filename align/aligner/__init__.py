"""Sentence alignment of two documents."""

from align.aligner.sentences import AlignConfig, align_sentences

__all__ = ["AlignConfig", "align_sentences"]
