"""The package's exceptions: each carries a message a user can act on."""

from __future__ import annotations

from pathlib import Path


class AlignError(Exception):
    """Base class of every error the package raises on purpose."""


class InputError(AlignError):
    """A user-supplied file or directory cannot be used; names the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ModelLoadError(AlignError):
    """A model (embedder, translator) could not be loaded; says how to provide it."""

    DEFAULT_HINT = (
        "Give a local directory that holds the model, or download it once with network "
        "access (set HF_HUB_OFFLINE=1 to use only the local cache)."
    )

    def __init__(self, model: str, reason: str, hint: str | None = DEFAULT_HINT) -> None:
        self.model = model
        self.reason = reason
        self.hint = hint
        super().__init__(f"cannot load model {model!r}: {reason}." + (f" {hint}" if hint else ""))


class ConfigError(AlignError):
    """An option or recipe value is invalid."""


class PublishError(AlignError):
    """Publishing to the Hugging Face Hub failed; says why and what was left unchanged."""
