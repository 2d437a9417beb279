"""Corpus recipes: one TOML file that says what a corpus is built from and how.

A recipe names the corpus, its inputs (paths relative to the recipe file), languages,
license and sources, the Hub repo it is published to, pipeline options, filter
thresholds, split sizes and the seed. Validation is strict: a misspelt or unknown key,
or a value of the wrong type, is a :class:`ConfigError` that names the file and the key.
"""

from __future__ import annotations

import difflib
import re
import sys
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from align.errors import ConfigError, InputError
from align.stages.filters import FilterConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class Source:
    """Where the texts of a corpus come from, credited in the dataset card."""

    name: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class PipelineOptions:
    """Pipeline settings; ``None`` keeps the pipeline's tuned default."""

    embedder: str | None = None
    max_alignment_size: int | None = None  # most sentences in one bead, both sides
    deletion_penalty: float | None = None  # extra cost per sentence left unaligned
    pairing_threshold: float | None = None  # minimum score of a document pair


@dataclass(frozen=True)
class SplitSizes:
    """Held-out splits: a float is a fraction of the document pairs, an int a count of them."""

    test: int | float = 0.1
    validation: int | float = 0.1


@dataclass(frozen=True)
class Recipe:
    """A validated corpus recipe."""

    path: Path
    name: str
    pretty_name: str
    description: str
    inputs: tuple[Path, ...]
    license: str
    languages: tuple[str, str] = ("fr", "ar")
    license_name: str = ""
    license_link: str = ""
    license_note: str = ""
    sources: tuple[Source, ...] = ()
    hub_repo_id: str = ""
    citation: str = ""
    seed: int = 0
    pipeline: PipelineOptions = field(default_factory=PipelineOptions)
    filters: FilterConfig = field(default_factory=FilterConfig)
    splits: SplitSizes = field(default_factory=SplitSizes)


_TABLES: dict[str, type] = {
    "pipeline": PipelineOptions,
    "filters": FilterConfig,
    "splits": SplitSizes,
}


def load_recipe(path: str | Path) -> Recipe:
    """Read and validate a recipe; input paths are resolved against the recipe's directory."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(path, f"cannot read recipe: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise InputError(path, "recipe is not UTF-8 text") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    values = _check_table(raw, Recipe, path, "", skip=frozenset({"path"}))
    for key, cls in _TABLES.items():
        values[key] = cls(**_check_table(raw.get(key, {}), cls, path, f"{key}."))
    values["sources"] = tuple(
        Source(**_check_table(item, Source, path, f"sources[{i}]."))
        for i, item in enumerate(_as_list(raw.get("sources", []), path, "sources"))
    )
    given = values["inputs"]
    values["inputs"] = tuple((path.parent / p).resolve() for p in given)
    excluded = values["filters"].exclude
    values["filters"] = replace(
        values["filters"], exclude=tuple(str((path.parent / p).resolve()) for p in excluded)
    )
    recipe = Recipe(path=path, **values)
    _validate(recipe)
    checked = [("input", n, r) for n, r in zip(given, recipe.inputs, strict=True)]
    checked += [("excluded set", n, Path(r))
                for n, r in zip(excluded, recipe.filters.exclude, strict=True)]
    for what, name, resolved in checked:
        if not resolved.exists():
            raise InputError(path, f"{what} {name!r} ({resolved}) does not exist")
    return recipe


def _as_list(value: Any, path: Path, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"{path}: '{key}' must be an array of tables ([[{key}]])")
    return value


def _check_table(
    raw: Any, cls: type, path: Path, prefix: str, skip: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The keys of ``raw`` that are fields of ``cls``, type-checked; unknown keys are errors."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: '{prefix.rstrip('.')}' must be a table")
    hints = typing.get_type_hints(cls)
    known = [f.name for f in fields(cls) if f.name not in skip]
    nested = set(_TABLES) | {"sources"} if cls is Recipe else set()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in nested:
            continue
        if key not in known:
            close = difflib.get_close_matches(key, known, n=2, cutoff=0.5)
            hint = " or ".join(f"'{prefix}{name}'" for name in close)
            hint = f" (did you mean {hint}?)" if close else ""
            raise ConfigError(f"{path}: unknown key '{prefix}{key}'{hint}")
        values[key] = _convert(value, hints[key], path, prefix + key)
    for spec in fields(cls):
        required = spec.default is MISSING and spec.default_factory is MISSING
        if required and spec.name not in skip and spec.name not in values:
            raise ConfigError(f"{path}: missing required key '{prefix}{spec.name}'")
    return values


def _convert(value: Any, hint: Any, path: Path, key: str) -> Any:
    """``value`` checked against a type hint (str, int, float, unions, tuple[...], Path)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        for option in options:
            if _matches(value, option):
                return _convert(value, option, path, key)
        names = " or ".join(_name(o) for o in options if o is not type(None))
        raise ConfigError(f"{path}: '{key}' must be {names}, got {_describe(value)}")
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"{path}: '{key}' must be an array, got {_describe(value)}")
        item = args[0]
        if args[-1] is not Ellipsis and len(value) != len(args):
            raise ConfigError(f"{path}: '{key}' must hold {len(args)} items, got {len(value)}")
        return tuple(_convert(v, item, path, f"{key}[{i}]") for i, v in enumerate(value))
    if not _matches(value, hint):
        raise ConfigError(f"{path}: '{key}' must be {_name(hint)}, got {_describe(value)}")
    if hint is float:
        return float(value)
    return value.strip() if isinstance(value, str) else value


def _matches(value: Any, hint: Any) -> bool:
    if hint is type(None):
        return False  # TOML has no null; None only comes from a missing key
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is Path:
        return isinstance(value, str)
    if typing.get_origin(hint) is tuple:
        return isinstance(value, list)
    return isinstance(value, hint)


def _name(hint: Any) -> str:
    if typing.get_origin(hint) is tuple:
        return f"an array of {_name(typing.get_args(hint)[0])}s"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            Path: "a path string"}.get(hint, str(hint))


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def _validate(recipe: Recipe) -> None:
    """Checks across values: slugs, languages, licenses, ranges, split sizes, inputs."""
    path = recipe.path

    def fail(problem: str) -> typing.NoReturn:
        raise ConfigError(f"{path}: {problem}")

    if not _SLUG.match(recipe.name):
        fail(f"'name' must be lowercase letters, digits, '.', '_' or '-', got {recipe.name!r}")
    if len(set(recipe.languages)) != 2 or not all(re.fullmatch(r"[a-z]{2,3}", lang)
                                                  for lang in recipe.languages):
        fail(f"'languages' must be two different ISO 639 codes, got {list(recipe.languages)}")
    if not _SLUG.match(recipe.license):
        fail(f"'license' must be a Hub license id such as 'cc-by-4.0' or 'other', "
             f"got {recipe.license!r}")
    if recipe.license == "other" and not recipe.license_name:
        fail("'license = \"other\"' needs 'license_name' (a short slug naming the terms)")
    if recipe.license_name and not _SLUG.match(recipe.license_name):
        fail(f"'license_name' must be a lowercase slug, got {recipe.license_name!r}")
    if recipe.hub_repo_id and not re.fullmatch(r"[\w.-]+/[\w.-]+", recipe.hub_repo_id):
        fail(f"'hub_repo_id' must look like 'user/name', got {recipe.hub_repo_id!r}")
    if not recipe.inputs:
        fail("'inputs' must list at least one file or directory")
    for source in recipe.sources:
        if source.url and not re.match(r"https?://", source.url):
            fail(f"source {source.name!r}: 'url' must start with http:// or https://")
    _validate_numbers(recipe, fail)


def _validate_numbers(recipe: Recipe, fail: typing.Callable[[str], None]) -> None:
    options, filters, splits = recipe.pipeline, recipe.filters, recipe.splits
    if options.max_alignment_size is not None and options.max_alignment_size < 2:
        fail("'pipeline.max_alignment_size' must be at least 2")
    if options.deletion_penalty is not None and options.deletion_penalty < 0:
        fail("'pipeline.deletion_penalty' must be 0 or more")
    if options.pairing_threshold is not None and not 0 <= options.pairing_threshold <= 1:
        fail("'pipeline.pairing_threshold' must be between 0 and 1")
    for spec in fields(filters):
        value = getattr(filters, spec.name)
        if isinstance(value, (int, float)) and value < 0:
            fail(f"'filters.{spec.name}' must be 0 or more")
    fractions = 0.0
    for spec in fields(splits):
        value = getattr(splits, spec.name)
        if isinstance(value, float) and not 0 <= value < 1:
            fail(f"'splits.{spec.name}' as a fraction must be in [0, 1), got {value}")
        if isinstance(value, int) and value < 0:
            fail(f"'splits.{spec.name}' as a count of document pairs must be 0 or more")
        fractions += value if isinstance(value, float) else 0.0
    if fractions >= 1:
        fail("the held-out split fractions add up to 1 or more: nothing is left for train")
