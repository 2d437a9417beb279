"""Shared fixtures: the offline embedder is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.models.embed import Embedder, load_embedder

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write_ntrex(
    folder: Path, fr: list[str], ar: list[str], ids: list[str], fr_ca: list[str] | None = None
) -> Path:
    """An NTREX-128 folder: French and Arabic references (optionally the Canadian French
    one) and ``DOCUMENT_IDS.tsv``, one line per sentence."""
    files = {
        "newstest2019-ref.fra.txt": fr,
        "newstest2019-ref.arb.txt": ar,
        "DOCUMENT_IDS.tsv": ids,
    }
    if fr_ca is not None:
        files["newstest2019-ref.fra-CA.txt"] = fr_ca
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedder("use-m3")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


# A dataset directory in the Hub layout, written with `datasets` directly
# (card, push, export tests).
SAMPLE_SEGMENTS = {
    "train": [
        ("fr1", "ar1", (0,), (0,), "1-1", 0.83,
         "Une conférence conjointe de la CEI et de l’OCS sur la lutte contre le terrorisme a "
         "débuté mercredi à Tachkent, en Ouzbékistan.",
         "انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون حول "
         "مكافحة الإرهاب في طشقند بأوزبكستان."),
        ("fr1", "ar1", (4, 5), (4,), "2-1", 0.71,
         "Selon le communiqué de presse, les tensions géopolitiques croissantes posent des défis "
         "uniques. Elles touchent le monde entier.",
         "ووفقا للبيان الصحفي، فإن التوترات الجيوسياسية المتزايدة شكلت تحديات فريدة للجهود "
         "الرامية إلى مكافحة التطرف في جميع أنحاء العالم."),
    ],
    "test": [
        ("fr2", "ar2", (7,), (8,), "1-1", 0.78,
         "Jeudi, les participants discuteront de la lutte contre le financement du terrorisme.",
         "وسيناقش الحضور، الخميس، التعاون في مجال مكافحة تمويل الإرهاب."),
    ],
    "rejected": [
        ("fr1", "ar1", (9,), (11,), "1-1", 0.12, "S’abonner", "زر الذهاب إلى الأعلى"),
    ],
}

# The card's configs for the sample dataset's splits: one config, data files per split.
SAMPLE_CONFIGS = [
    {
        "config_name": "ar-fr",
        "default": True,
        "data_files": [
            {"split": "train", "path": "data/train-*"},
            {"split": "test", "path": "data/test-*"},
            {"split": "rejected", "path": "data/rejected-*"},
        ],
    }
]


def write_sample_dataset(out: Path, splits: dict | None = None) -> Path:
    """Write ``out/README.md``, ``out/data/<split>-00000-of-00001.parquet``, build_report.json."""
    import json

    from datasets import Dataset, Features, List, Translation, Value

    from align.publish.card import CardInfo, render_card
    from align.publish.stats import corpus_stats
    from align.records import Segment

    features = Features({
        "id": Value("string"), "translation": Translation(languages=["ar", "fr"]),
        "fr_doc": Value("string"), "ar_doc": Value("string"),
        "fr_sentences": List(Value("int32")), "ar_sentences": List(Value("int32")),
        "alignment": Value("string"), "similarity": Value("float32"),
        "bt_chrf": Value("float32"),
    })
    segments = {
        split: [Segment(f"{split}-{i}", fr, ar, fd, ad, fs, as_, kind, sim,
                        {"bt_chrf": round(0.4 + 0.5 * sim, 3)})
                for i, (fd, ad, fs, as_, kind, sim, fr, ar) in enumerate(rows)]
        for split, rows in (splits or SAMPLE_SEGMENTS).items()
    }
    rows = {}
    (out / "data").mkdir(parents=True, exist_ok=True)
    for split, items in segments.items():
        rows[split] = {
            "id": [s.id for s in items], "translation": [{"fr": s.src, "ar": s.tgt} for s in items],
            "fr_doc": [s.src_doc for s in items], "ar_doc": [s.tgt_doc for s in items],
            "fr_sentences": [list(s.src_sentences) for s in items],
            "ar_sentences": [list(s.tgt_sentences) for s in items],
            "alignment": [s.alignment for s in items], "similarity": [s.similarity for s in items],
            "bt_chrf": [s.scores["bt_chrf"] for s in items],
        }
        Dataset.from_dict(rows[split], features=features).to_parquet(
            str(out / "data" / f"{split}-00000-of-00001.parquet"))
    example = {key: values[0] for key, values in rows["train"].items()}
    info = CardInfo(
        name="sample", pretty_name="Sample French–Arabic news", license="other",
        description="Three aligned segments from one RT story, for tests.",
        languages=("fr", "ar"), stats=corpus_stats(segments, ("fr", "ar")),
        signature={"align": "0.1.0", "config": {"embedder": "use-m3"}}, example=example,
        license_name="publishers-copyright", seed=13,
    )
    (out / "README.md").write_text(render_card(info), encoding="utf-8")
    (out / "build_report.json").write_text(json.dumps({"signature": info.signature}))
    return out


@pytest.fixture()
def sample_dataset(tmp_path: Path) -> Path:
    return write_sample_dataset(tmp_path / "sample")


def build_tiny_marian(out: Path, seeds: Path = SEEDS) -> Path:
    """A random-weight MarianMT model (< 1 MB) with a SentencePiece vocabulary of the seeds."""
    import io
    import json

    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    lines = [line.strip() for path in sorted(seeds.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=300, character_coverage=1.0,
        pad_id=-1, bos_id=-1, eos_id=-1, unk_id=0, hard_vocab_limit=False, minloglevel=2,
    )
    out.mkdir(parents=True, exist_ok=True)
    for name in ("source.spm", "target.spm"):
        (out / name).write_bytes(model.getvalue())
    pieces = spm.SentencePieceProcessor(model_proto=model.getvalue())
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(pieces.get_piece_size()):
        vocab.setdefault(pieces.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=128, pad_token_id=vocab["<pad>"],
        eos_token_id=0, decoder_start_token_id=vocab["<pad>"], forced_eos_token_id=0,
    )
    MarianMTModel(config).save_pretrained(out)
    MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"),
                    model_max_length=128).save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of a tiny random MarianMT model: real loading, batching and decoding, fast."""
    import torch

    torch.set_num_threads(1)  # tiny matrices: threads only add contention on a busy machine
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))
