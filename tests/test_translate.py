"""MarianTranslator through a tiny random model: loading, batching, caching; precomputed MT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from align.errors import InputError, ModelLoadError
from align.models.translate import (
    MarianTranslator,
    PrecomputedTranslator,
    Translator,
    default_cache_dir,
    load_translator,
)

ARABIC = [
    "انطلق اليوم الأربعاء مؤتمر مشترك حول مكافحة الإرهاب في طشقند.",
    "وفقا لبيان صحفي",
    "رابطة الدول المستقلة ومنظمة شنغهاي للتعاون تعقدان مؤتمرا مشتركا حول مكافحة الإرهاب",
    "أخبار العالم",
    "وفقا لبيان صحفي",
]


def counting(translator: MarianTranslator) -> list[list[int]]:
    """Record the token lengths of every batch the model is asked to generate."""
    calls: list[list[int]] = []
    generate = translator._model.generate

    def spy(**inputs):
        calls.append(inputs["attention_mask"].sum(dim=1).tolist())
        return generate(**inputs)

    translator._model.generate = spy
    return calls


@pytest.fixture()
def make(tiny_marian: Path, tmp_path: Path):
    def make(**options) -> MarianTranslator:
        options = {"cache_dir": tmp_path / "cache", "max_length": 12, "beam_size": 2,
                   "progress": False, **options}
        return MarianTranslator(str(tiny_marian), **options)

    return make


def test_translates_in_order_and_repeats_identical_outputs(make) -> None:
    translator = make(batch_size=2)
    assert isinstance(translator, Translator)
    assert translator.device == ("cuda" if torch.cuda.is_available() else "cpu")
    out = translator.translate(ARABIC)
    assert len(out) == len(ARABIC)
    assert all(isinstance(text, str) and text for text in out)
    assert out[1] == out[4]


def test_batches_are_sorted_longest_first_and_deduplicated(make) -> None:
    translator = make(batch_size=2, use_cache=False)
    calls = counting(translator)
    translator.translate(ARABIC)
    assert [len(batch) for batch in calls] == [2, 2]  # 4 distinct texts
    lengths = [max(batch) for batch in calls]
    assert lengths == sorted(lengths, reverse=True)
    assert calls[0][0] >= calls[0][1] >= calls[1][0] >= calls[1][1]


def test_second_run_translates_nothing(make, tmp_path: Path) -> None:
    first = make(batch_size=8)
    before = first.translate(ARABIC)
    second = make(batch_size=8)
    calls = counting(second)
    assert second.translate(ARABIC) == before
    assert calls == []
    second.translate([*ARABIC, "أخبار اليوم"])
    assert [len(batch) for batch in calls] == [1]
    assert (tmp_path / "cache" / "translations.sqlite").is_file()


def test_cache_is_keyed_by_decoding_settings(make) -> None:
    make().translate(ARABIC[:2])
    wider = make(beam_size=3)
    calls = counting(wider)
    wider.translate(ARABIC[:2])
    assert len(calls) == 1
    assert "beam=3" in wider.cache_key and wider.name in wider.cache_key


def test_no_cache_writes_nothing(make, tmp_path: Path) -> None:
    make(use_cache=False).translate(ARABIC[:1])
    assert not (tmp_path / "cache").exists()


def test_empty_input(make) -> None:
    assert make().translate([]) == []


def test_cache_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALIGN_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("ALIGN_CACHE")
    assert default_cache_dir() == Path.home() / ".cache" / "align"


def test_missing_local_model(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError) as error:
        MarianTranslator(str(tmp_path / "no-such-model"))
    assert "no-such-model" in str(error.value)
    assert "local directory" in str(error.value)


def test_directory_without_model(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="model.safetensors"):
        MarianTranslator(str(tmp_path))


def test_hub_model_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelLoadError) as error:
        MarianTranslator("Helsinki-NLP/opus-mt-ar-fr")
    assert str(error.value) == (
        "cannot load model 'Helsinki-NLP/opus-mt-ar-fr': not in the Hugging Face cache "
        f"({tmp_path / 'hf' / 'hub'}), and HF_HUB_OFFLINE is set so the Hub is not asked. "
        "Download it once with network access (HF_HUB_OFFLINE unset), or give a local "
        "directory that holds the model."
    )


def test_hub_model_unreachable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelLoadError) as error:
        MarianTranslator("Helsinki-NLP/opus-mt-ar-fr")
    message = str(error.value)
    assert message.startswith(
        "cannot load model 'Helsinki-NLP/opus-mt-ar-fr': not in the Hugging Face cache "
        f"({tmp_path / 'hf' / 'hub'}), and the Hub at http://127.0.0.1:9 cannot be reached ("
    )
    assert message.endswith("Connect to the network (or fix HF_ENDPOINT) to download it once, "
                            "or give a local directory that holds the model.")
    assert "HF_HUB_OFFLINE=1" not in message


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "translation"),
    [
        ("أخبار العالم", "Nouvelles du monde"),
        ("وفقا لبيان صحفي", "selon un communiqué de presse"),
    ],
)
def test_precomputed_translations(tmp_path: Path, text: str, translation: str) -> None:
    rows = [{"text": "أخبار العالم", "translation": "Nouvelles du monde"},
            {"text": "وفقا لبيان صحفي", "translation": "selon un communiqué de presse"}]
    translator = load_translator(translations=write_jsonl(tmp_path / "mt.jsonl", rows))
    assert isinstance(translator, PrecomputedTranslator)
    assert translator.name == "precomputed:mt.jsonl"
    assert translator.translate([text, text]) == [translation, translation]


def test_precomputed_missing_text(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mt.jsonl", [{"text": "أخبار العالم", "translation": "Monde"}])
    with pytest.raises(InputError, match="no translation for 1 text"):
        PrecomputedTranslator(path).translate(["أخبار العالم", "وفقا لبيان صحفي"])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"text": "أخبار العالم"}\n', "line 1"),
        ('{"text": "a", "translation": "b"}\nnot json\n', "line 2"),
    ],
)
def test_precomputed_bad_file(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "mt.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        PrecomputedTranslator(path)


def test_precomputed_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        PrecomputedTranslator(tmp_path / "absent.jsonl")


def test_progress_bar_runs(make, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(make(progress=True, use_cache=False).translate(ARABIC[:2])) == 2
    assert capsys.readouterr().out == ""  # the bar goes to stderr only


def test_unusable_cache_dir(make, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(InputError, match="translation cache"):
        make(cache_dir=blocker / "cache")

