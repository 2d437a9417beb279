"""Publish a dataset directory to the Hugging Face Hub.

The splits are pushed with ``DatasetDict.push_to_hub`` (one commit that adds the new
shards and deletes the old ones), then the directory's own card replaces the README the
push wrote, keeping the ``dataset_info`` the Hub side computed. The token comes from the
caller, ``HF_TOKEN`` or the saved login; ``HF_ENDPOINT`` chooses the Hub. Every failure is
a :class:`PublishError` that says what is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.errors import ConfigError, InputError, PublishError
from align.publish.stats import ordered_splits

CARD_FILE = "README.md"
_SHARD = re.compile(r"^(?P<split>\w+?)-\d{5}-of-\d{5}\.parquet$")
_REPO = re.compile(
    r"^(?P<url>https?://[^/]+/|hf://)?(?:(?P<kind>datasets|models|spaces|kernels|buckets)/)?"
    r"(?P<id>[^/]+(?:/[^/]+)?)/?$"
)
_NETWORK = {"TransportError", "ConnectionError", "ConnectTimeout", "Timeout", "TimeoutException"}


@dataclass(frozen=True)
class PushResult:
    """Where the dataset went."""

    repo_id: str
    url: str
    commit: str
    pr_url: str | None
    splits: dict[str, int]


def dataset_repo_id(given: str) -> str:
    """``USER/NAME`` from an id, ``datasets/USER/NAME`` or a dataset URL; other repo types fail."""
    match = _REPO.match(given.strip())
    if match is None:
        raise ConfigError(f"--repo-id {given!r} is not a repo id like USER/NAME")
    kind = match["kind"] or ("models" if match["url"] else "datasets")
    if kind != "datasets":
        raise ConfigError(
            f"--repo-id {given!r} names a {kind[:-1]} repo; align publishes dataset repos: "
            "give USER/NAME"
        )
    return match["id"]


def push_dataset(
    directory: str | Path,
    repo_id: str,
    *,
    token: str | None = None,
    private: bool | None = None,
    revision: str | None = None,
    create_pr: bool = False,
) -> PushResult:
    """Push every split of ``directory`` and its card to the dataset repo ``repo_id``."""
    from huggingface_hub import HfApi, constants, get_token

    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(directory, "is not a directory")
    card, config = _read_card(directory / CARD_FILE)
    shards = _shards(directory)
    repo_id = dataset_repo_id(repo_id)
    endpoint = constants.ENDPOINT
    token = token or get_token()
    if not token:
        raise PublishError("no Hugging Face token: pass --token, set HF_TOKEN or run "
                           "`hf auth login`. Nothing was uploaded.")
    api = HfApi(endpoint=endpoint, token=token)
    unchanged = "Nothing was uploaded."
    with _hub_errors(endpoint, repo_id, revision, unchanged):
        user = api.whoami()
        if user.get("auth", {}).get("accessToken", {}).get("role") == "read":
            raise PublishError(f"the token of {user.get('name')} is read-only: {repo_id} needs "
                               f"a token with write access. {unchanged}")
        if "/" not in repo_id:
            repo_id = f"{user['name']}/{repo_id}"
        _validate_card(card, directory / CARD_FILE, unchanged)
    splits = _load_splits(shards)
    with _hub_errors(endpoint, repo_id, revision, "No commit with data was made."):
        data_commit = splits.push_to_hub(
            repo_id, config_name=config, data_dir="data", private=private, token=token,
            revision=revision, create_pr=create_pr, commit_message="Upload dataset",
        )
    branch = data_commit.pr_revision or revision
    state = (f"The data is on the Hub (commit {data_commit.oid}) but the card was not "
             "updated: run the command again.")
    with _hub_errors(endpoint, repo_id, revision, state):
        card_commit = api.upload_file(
            path_or_fileobj=_merged_card(api, card, repo_id, data_commit.oid).encode("utf-8"),
            path_in_repo=CARD_FILE, repo_id=repo_id, repo_type="dataset", revision=branch,
            commit_message="Update dataset card", parent_commit=data_commit.oid,
        )
    return PushResult(
        repo_id=repo_id, url=f"{endpoint}/datasets/{repo_id}", commit=card_commit.oid,
        pr_url=data_commit.pr_url, splits={name: len(split) for name, split in splits.items()},
    )


def _read_card(path: Path) -> tuple[Any, str]:
    """The directory's card and its config name."""
    from huggingface_hub import DatasetCard

    if not path.is_file():
        raise InputError(path.parent, f"no {CARD_FILE}: not a dataset written by 'align build'")
    try:
        card = DatasetCard.load(path)
    except ValueError as error:
        raise InputError(path, f"invalid card metadata: {error}") from error
    configs = getattr(card.data, "configs", None) or []
    if len(configs) != 1 or "config_name" not in configs[0]:
        raise InputError(path, "the card must declare exactly one config under 'configs'")
    return card, configs[0]["config_name"]


def _validate_card(card: Any, path: Path, state: str) -> None:
    """Have the Hub check the card metadata (``api/validate-yaml``) before any upload."""
    from huggingface_hub.errors import HfHubHTTPError

    try:
        card.validate(repo_type="dataset")
    except ValueError as error:  # the Hub answered 400 with its reasons
        if isinstance(error, HfHubHTTPError):
            raise
        raise PublishError(f"the Hub rejected the metadata of {path}: {error}. {state}") from error


def _shards(directory: Path) -> dict[str, list[Path]]:
    """Parquet shards per split, from the names ``data/<split>-00000-of-00001.parquet``."""
    shards: dict[str, list[Path]] = {}
    for path in sorted((directory / "data").glob("*.parquet")):
        match = _SHARD.match(path.name)
        if match is None:
            raise InputError(path, "not named <split>-NNNNN-of-NNNNN.parquet")
        shards.setdefault(match["split"], []).append(path)
    if not shards:
        raise InputError(directory, "holds no data/*.parquet shards")
    return {split: shards[split] for split in ordered_splits(shards)}


def _load_splits(shards: dict[str, list[Path]]) -> Any:
    """The shards as an in-memory ``DatasetDict`` (features from the parquet metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import Dataset, DatasetDict

    splits = {}
    for split, paths in shards.items():
        try:
            splits[split] = Dataset(pa.concat_tables([pq.read_table(p) for p in paths]))
        except (OSError, pa.ArrowException) as error:
            raise InputError(paths[0], f"cannot read parquet: {error}") from error
    return DatasetDict(splits)


def _merged_card(api: Any, card: Any, repo_id: str, commit: str) -> str:
    """Our card with the ``dataset_info`` block that push_to_hub wrote at ``commit``."""
    from huggingface_hub import DatasetCard

    pushed = DatasetCard.load(api.hf_hub_download(repo_id, CARD_FILE, repo_type="dataset",
                                                  revision=commit))
    card.data.dataset_info = getattr(pushed.data, "dataset_info", None)
    return str(card)


@contextmanager
def _hub_errors(endpoint: str, repo_id: str, revision: str | None, state: str) -> Iterator[None]:
    """Turn Hub and network failures into a PublishError that ends with ``state``."""
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalTokenNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    try:
        yield
    except PublishError:
        raise
    except Exception as error:
        cause = _known_cause(error, (HfHubHTTPError, OfflineModeIsEnabled, LocalTokenNotFoundError))
        if isinstance(cause, OfflineModeIsEnabled):
            problem = "HF_HUB_OFFLINE is set: unset it to publish"
        elif isinstance(cause, LocalTokenNotFoundError):
            problem = "no Hugging Face token: pass --token, set HF_TOKEN or run `hf auth login`"
        elif isinstance(cause, RevisionNotFoundError):
            problem = f"revision {revision!r} does not exist in dataset repo {repo_id}"
        elif isinstance(cause, RepositoryNotFoundError):
            problem = (f"dataset repo {repo_id} was not found on {endpoint} or the token "
                       "cannot see it")
        elif isinstance(cause, HfHubHTTPError):
            problem = _http_problem(cause, endpoint, repo_id)
        elif cause is not None:
            problem = (f"cannot reach {endpoint} ({type(cause).__name__}: {cause}); check the "
                       "network connection, or HF_ENDPOINT if it is set")
        else:
            raise
        raise PublishError(f"{problem}. {state}") from error


def _known_cause(error: BaseException, kinds: tuple[type, ...]) -> BaseException | None:
    """The first error in the cause chain that is one of ``kinds`` or a network failure."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, kinds) or _NETWORK & {c.__name__ for c in type(seen).__mro__}:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _http_problem(error: Any, endpoint: str, repo_id: str) -> str:
    status = error.response.status_code
    detail = (error.server_message or str(error).splitlines()[0]).rstrip(".")
    if status == 401:
        return (f"{endpoint} rejected the token (401 Unauthorized: {detail}); pass a valid "
                "token with --token, set HF_TOKEN or run `hf auth login`")
    if status == 403:
        return (f"the token may not write to dataset repo {repo_id} (403 Forbidden: {detail}); "
                f"use a token with write access to '{repo_id.split('/')[0]}'")
    if status in (409, 412):
        return f"the repo changed during the push ({status}: {detail}); run the command again"
    return f"{endpoint} answered {status}: {detail}"
