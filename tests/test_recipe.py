"""Corpus recipes: the seeds recipe loads; every mistake is a ConfigError naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.errors import ConfigError, InputError
from align.recipe import PipelineOptions, SplitSizes, load_recipe
from align.stages.filters import FilterConfig

ROOT = Path(__file__).resolve().parent.parent

VALID = """
name = "rt-fr-ar"
pretty_name = "RT français–arabe"
description = "Articles de RT en français et en arabe."
inputs = ["articles"]
license = "cc-by-4.0"
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "articles").mkdir(exist_ok=True)
    path = tmp_path / "recipe.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_seeds_recipe():
    recipe = load_recipe(ROOT / "corpora" / "seeds.toml")
    assert recipe.name == "seeds-fr-ar"
    assert recipe.languages == ("fr", "ar")
    assert recipe.inputs == (ROOT / "seeds",)
    assert recipe.license == "other" and recipe.license_name == "publishers-copyright"
    assert "copyright of their publishers" in recipe.license_note
    assert [s.name for s in recipe.sources][0] == "RT (RT World News)"
    assert recipe.pipeline == PipelineOptions(embedder="use-m3", max_alignment_size=4)
    assert recipe.filters == FilterConfig(min_length_ratio=0.5)
    assert recipe.splits == SplitSizes(test=0.1, validation=0.1)
    assert recipe.seed == 13


def test_minimal_recipe_takes_defaults(tmp_path):
    recipe = load_recipe(write(tmp_path, VALID))
    assert recipe.inputs == ((tmp_path / "articles").resolve(),)
    assert recipe.languages == ("fr", "ar")
    assert recipe.pipeline == PipelineOptions()
    assert recipe.filters == FilterConfig()
    assert recipe.sources == ()


def test_excluded_sets_resolve_against_the_recipe(tmp_path):
    (tmp_path / "flores.fr.txt").write_text("Une phrase de test.\n", encoding="utf-8")
    recipe = load_recipe(write(tmp_path, VALID + '[filters]\nexclude = ["flores.fr.txt"]\n'))
    assert recipe.filters.exclude == (str((tmp_path / "flores.fr.txt").resolve()),)
    path = write(tmp_path, VALID + '[filters]\nexclude = ["missing.txt"]\n')
    with pytest.raises(InputError, match="excluded set 'missing.txt'"):
        load_recipe(path)
    with pytest.raises(ConfigError, match="'filters.exclude' must be an array"):
        load_recipe(write(tmp_path, VALID + '[filters]\nexclude = "flores.fr.txt"\n'))


def test_numbers_keep_their_meaning(tmp_path):
    recipe = load_recipe(
        write(
            tmp_path,
            VALID
            + """
[pipeline]
pairing_threshold = 1
deletion_penalty = 0
[splits]
test = 25
validation = 0.05
""",
        )
    )
    assert recipe.pipeline.pairing_threshold == 1.0 and isinstance(
        recipe.pipeline.pairing_threshold, float
    )
    assert recipe.splits.test == 25 and isinstance(recipe.splits.test, int)  # a count of pairs
    assert recipe.splits.validation == 0.05  # a fraction


@pytest.mark.parametrize(
    "extra, message",
    [
        ('lisence = "mit"', r"unknown key 'lisence' \(did you mean 'license'"),
        (
            "[pipeline]\nmax_aligment_size = 3",
            r"unknown key 'pipeline.max_aligment_size' \(did you mean "
            r"'pipeline.max_alignment_size'",
        ),
        (
            "[filters]\nmin_scor = 0.5",
            r"unknown key 'filters.min_scor' \(did you mean 'filters.min_score'",
        ),
        (
            '[[sources]]\nname = "RT"\nlien = "https://arabic.rt.com"',
            r"unknown key 'sources\[0\].lien'",
        ),
        ('seed = "13"', r"'seed' must be an integer, got str '13'"),
        ("seed = true", r"'seed' must be an integer, got bool True"),
        ('languages = ["fr"]', r"'languages' must hold 2 items, got 1"),
        ('languages = ["fr", "fr"]', r"two different ISO 639 codes"),
        ('languages = ["français", "arabe"]', r"two different ISO 639 codes"),
        ("[pipeline]\nembedder = 3", r"'pipeline.embedder' must be a string, got int 3"),
        (
            '[pipeline]\npairing_threshold = "high"',
            r"'pipeline.pairing_threshold' must be a number",
        ),
        (
            "[pipeline]\npairing_threshold = 1.5",
            r"'pipeline.pairing_threshold' must be between 0 and 1",
        ),
        ("[pipeline]\nmax_alignment_size = 1", r"'pipeline.max_alignment_size' must be at least 2"),
        (
            "[filters]\nmin_length_ratio = -0.5",
            r"'filters.min_length_ratio' must be 0 or more",
        ),
        ("[splits]\ntest = 1.5", r"'splits.test' as a fraction must be in \[0, 1\)"),
        ("[splits]\ntest = 0.6\nvalidation = 0.5", r"nothing is left for train"),
        ("[splits]\ntest = -2", r"'splits.test' as a count of document pairs must be 0 or more"),
        ('[sources]\nname = "RT"', r"'sources' must be an array of tables"),
        ('[[sources]]\nname = "RT"\nurl = "arabic.rt.com"', r"'url' must start with http"),
        ('hub_repo_id = "just-a-name"', r"'hub_repo_id' must look like 'user/name'"),
        ("pipeline = 3", r"'pipeline' must be a table"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path, extra, message):
    path = write(
        tmp_path,
        VALID.replace('license = "cc-by-4.0"', 'license = "cc-by-4.0"\n' + extra)
        if not extra.startswith("[")
        else VALID + extra,
    )
    with pytest.raises(ConfigError, match=message) as caught:
        load_recipe(path)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    "drop, key", [("inputs", "inputs"), ("license", "license"), ("pretty_name", "pretty_name")]
)
def test_missing_required_keys(tmp_path, drop, key):
    text = "\n".join(line for line in VALID.splitlines() if not line.startswith(drop + " "))
    with pytest.raises(ConfigError, match=f"missing required key '{key}'"):
        load_recipe(write(tmp_path, text))


def test_license_other_needs_a_name(tmp_path):
    with pytest.raises(ConfigError, match="needs 'license_name'"):
        load_recipe(write(tmp_path, VALID.replace('"cc-by-4.0"', '"other"')))


def test_missing_input_directory(tmp_path):
    path = write(tmp_path, VALID.replace('["articles"]', '["articles", "../missing"]'))
    with pytest.raises(InputError, match=r"input '../missing' .* does not exist"):
        load_recipe(path)


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_recipe(write(tmp_path, 'name = "rt\n'))
    with pytest.raises(InputError, match="cannot read recipe"):
        load_recipe(tmp_path / "absent.toml")
