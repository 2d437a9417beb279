"""Small typed records that flow one way through the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Called as a long stage advances: (stage name, items done, items in all).
Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Article:
    """One raw article as read from disk: text plus metadata found in headers or JSONL."""

    id: str
    text: str
    source: str
    lang: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """A cleaned article: paragraphs of text in one identified language."""

    id: str
    lang: str
    paragraphs: list[str]
    source: str = ""
    lang_confidence: float = 1.0
    meta: dict[str, str] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)  # lines repaired, per problem

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(slots=True, frozen=True)
class Sentence:
    """A sentence and the index of the paragraph it came from."""

    text: str
    paragraph: int


@dataclass(slots=True)
class DocumentPair:
    """Two documents judged to translate each other, with the evidence for it."""

    src: Document
    tgt: Document
    score: float
    similarity: float
    number_overlap: float
    length_ratio: float
    # URL and date features, coverage shortfall (align.stages.pairing)
    evidence: dict[str, float] = field(default_factory=dict)
    given: bool = False  # named by the user (JSONL pair, pairs file) rather than found
    sentences: tuple[int, int] = (0, 0)  # sentences of the two documents, as scored


@dataclass(slots=True)
class Unpaired:
    """A document left without a counterpart, and why."""

    document: Document
    reason: str
    best_match: str | None = None
    best_score: float | None = None


@dataclass(slots=True, frozen=True)
class Alignment:
    """One alignment bead: source and target sentence indices (either may be empty)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    @property
    def kind(self) -> str:
        """Alignment type as ``"<source count>-<target count>"``, e.g. ``"1-2"``."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_deletion(self) -> bool:
        return not self.src or not self.tgt

    def to_vecalign(self, with_score: bool = True) -> str:
        text = f"[{', '.join(map(str, self.src))}]:[{', '.join(map(str, self.tgt))}]"
        return f"{text}:{self.score:.6f}" if with_score else text


@dataclass(slots=True, frozen=True)
class Provenance:
    """A document pair a segment was found in, with the documents' URLs when known."""

    src_doc: str
    tgt_doc: str
    src_url: str = ""
    tgt_url: str = ""


@dataclass(slots=True)
class Segment:
    """One parallel segment of the published dataset."""

    id: str
    src: str
    tgt: str
    src_doc: str
    tgt_doc: str
    src_sentences: tuple[int, ...]
    tgt_sentences: tuple[int, ...]
    alignment: str
    similarity: float
    scores: dict[str, float] = field(default_factory=dict)
    rejected_by: str = ""  # the filter that rejected the segment, empty when kept
    src_url: str = ""  # URL of the source document, empty when unknown
    tgt_url: str = ""
    found_in: tuple[Provenance, ...] = ()  # every document pair it was found in, first first
