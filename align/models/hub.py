"""Where a Hub model can come from: the local Hugging Face cache, or the Hub if reachable.

These checks run before torch and transformers are imported, so a model that cannot be
had fails in about a second with a message that says what to do, instead of after the
libraries' network retries.
"""

from __future__ import annotations

import os
from pathlib import Path

from align.errors import ModelLoadError

PROBE_TIMEOUT = 5.0  # seconds to wait for the Hub to answer


def offline() -> bool:
    """Whether ``HF_HUB_OFFLINE`` asks for the local cache only."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def endpoint() -> str:
    """The Hub's address: ``HF_ENDPOINT`` or huggingface.co."""
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def hub_cache() -> Path:
    """The Hugging Face cache: ``HF_HUB_CACHE``, ``$HF_HOME/hub`` or the library default."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]) / "hub"
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def is_cached(model: str, filename: str = "config.json") -> bool:
    """Whether the cache holds ``filename`` of the Hub model ``model``."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(model, filename, cache_dir=hub_cache())
    return isinstance(found, str)


def unreachable() -> str | None:
    """Why the Hub cannot be reached (connection refused, timeout, …), or None if it answers."""
    import httpx

    try:
        httpx.head(endpoint(), timeout=PROBE_TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as error:
        return str(error) or type(error).__name__
    return None


def check_available(model: str) -> None:
    """Raise ModelLoadError at once when the Hub model ``model`` is neither in the cache nor
    downloadable: offline (``HF_HUB_OFFLINE``) or with the Hub out of reach."""
    if is_cached(model):
        return
    if offline():
        raise ModelLoadError(
            model, f"not in the Hugging Face cache ({hub_cache()}), and HF_HUB_OFFLINE is set "
                   "so the Hub is not asked",
            hint="Download it once with network access (HF_HUB_OFFLINE unset), or give a "
                 "local directory that holds the model.")
    problem = unreachable()
    if problem is not None:
        raise ModelLoadError(
            model, f"not in the Hugging Face cache ({hub_cache()}), and the Hub at "
                   f"{endpoint()} cannot be reached ({problem})",
            hint="Connect to the network (or fix HF_ENDPOINT) to download it once, or give a "
                 "local directory that holds the model.")
