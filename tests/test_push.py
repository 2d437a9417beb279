"""Publishing end to end against the Hub stand-in on 127.0.0.1 (the real Hub is never reached)."""

from __future__ import annotations

import socket
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from conftest import SAMPLE_CONFIGS, SAMPLE_SEGMENTS, write_sample_dataset
from hub_standin import HubStandIn
from huggingface_hub import DatasetCard
from typer.testing import CliRunner

from align.cli.push import push
from align.errors import ConfigError, InputError, PublishError
from align.publish.push import dataset_repo_id, push_dataset

TOKENS = {"fake": ("user", "write"), "reader": ("user", "read")}


def _point_clients_at(monkeypatch: pytest.MonkeyPatch, endpoint: str, tmp_path: Path) -> None:
    """What HF_ENDPOINT and HF_HUB_DISABLE_XET do when set before the libraries are imported."""
    import datasets
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(
        constants,
        "HUGGINGFACE_CO_URL_TEMPLATE",
        endpoint + "/{repo_id}/resolve/{revision}/{filename}",
    )
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-saved-token"))
    monkeypatch.setattr(datasets.config, "HF_ENDPOINT", endpoint)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(
        datasets.config,
        "HUB_DATASETS_URL",
        endpoint + "/datasets/{repo_id}/resolve/{revision}/{path}",
    )
    monkeypatch.setenv("HF_TOKEN", "fake")


@pytest.fixture()
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    with HubStandIn(TOKENS) as stand_in:
        _point_clients_at(monkeypatch, stand_in.endpoint, tmp_path)
        yield stand_in


def _rows(directory: Path, split: str) -> list[dict]:
    return pq.read_table(directory / "data" / f"{split}-00000-of-00001.parquet").to_pylist()


def test_push_then_load_dataset_reads_back_the_same_rows(hub, sample_dataset, tmp_path):
    from datasets import load_dataset

    result = push_dataset(sample_dataset, "user/seeds-fr-ar")

    assert result.repo_id == "user/seeds-fr-ar"
    assert result.splits == {"train": 2, "test": 1, "rejected": 1}
    files = hub.files("dataset", "user/seeds-fr-ar")
    assert sorted(files) == [
        ".gitattributes",
        "README.md",
        "data/rejected-00000-of-00001.parquet",
        "data/test-00000-of-00001.parquet",
        "data/train-00000-of-00001.parquet",
    ]
    loaded = load_dataset("user/seeds-fr-ar", "ar-fr", cache_dir=str(tmp_path / "cache"))
    assert list(loaded) == ["train", "test", "rejected"]
    for split in loaded:
        assert loaded[split].to_list() == _rows(sample_dataset, split)
    assert loaded["train"][0]["translation"]["ar"].startswith("انطلق اليوم الأربعاء مؤتمر")


def test_pushed_card_is_ours_plus_the_hub_dataset_info(hub, sample_dataset):
    push_dataset(sample_dataset, "user/seeds-fr-ar")

    pushed = hub.files("dataset", "user/seeds-fr-ar")["README.md"].decode()
    local = (sample_dataset / "README.md").read_text(encoding="utf-8")
    assert pushed.split("\n---\n", 1)[1] == local.split("\n---\n", 1)[1]  # same body
    data = DatasetCard(pushed).data
    assert data.license_name == "publishers-copyright"
    assert [s["name"] for s in data.dataset_info["splits"]] == ["train", "test", "rejected"]
    assert data.configs == SAMPLE_CONFIGS
    assert (sample_dataset / "README.md").read_text(encoding="utf-8") == local  # untouched


def test_pushing_again_replaces_shards_and_keeps_one_card(hub, tmp_path):
    first = write_sample_dataset(tmp_path / "first")
    push_dataset(first, "user/seeds-fr-ar")
    second = write_sample_dataset(tmp_path / "second", {"train": SAMPLE_SEGMENTS["train"]})

    push_dataset(second, "user/seeds-fr-ar")

    files = hub.files("dataset", "user/seeds-fr-ar")
    assert sorted(files) == [".gitattributes", "README.md", "data/train-00000-of-00001.parquet"]
    card = files["README.md"].decode()
    assert card.count("# Sample French–Arabic news\n") == 1
    assert card.count("## Dataset summary") == 1
    assert card.count("config_name:") == 2  # one in configs, one in dataset_info
    data = DatasetCard(card).data
    assert [c["config_name"] for c in data.configs] == ["ar-fr"]
    assert [s["name"] for s in data.dataset_info["splits"]] == ["train"]


def test_create_pr_leaves_main_alone(hub, sample_dataset, monkeypatch):
    push_dataset(sample_dataset, "user/seeds-fr-ar")
    before = hub.files("dataset", "user/seeds-fr-ar")

    result = push_dataset(sample_dataset, "user/seeds-fr-ar", create_pr=True)

    assert result.pr_url.endswith("/datasets/user/seeds-fr-ar/discussions/1")
    assert hub.files("dataset", "user/seeds-fr-ar") == before
    in_pr = hub.files("dataset", "user/seeds-fr-ar", "refs/pr/1")
    assert in_pr["README.md"].decode().count("## Dataset summary") == 1


def test_revision_pushes_to_a_new_branch(hub, sample_dataset):
    push_dataset(sample_dataset, "user/seeds-fr-ar", revision="v1")

    assert "data/train-00000-of-00001.parquet" in hub.files("dataset", "user/seeds-fr-ar", "v1")
    assert sorted(hub.files("dataset", "user/seeds-fr-ar")) == [".gitattributes"]


def test_wrong_token_is_a_401_and_nothing_is_created(hub, sample_dataset):
    with pytest.raises(
        PublishError, match=r"rejected the token \(401 Unauthorized.*Nothing was uploaded"
    ):
        push_dataset(sample_dataset, "user/seeds-fr-ar", token="hf_wrong")
    assert ("dataset", "user/seeds-fr-ar") not in hub.repos


def test_read_only_token_is_refused_before_upload(hub, sample_dataset):
    with pytest.raises(PublishError, match="read-only.*Nothing was uploaded"):
        push_dataset(sample_dataset, "user/seeds-fr-ar", token="reader")
    assert not hub.repos


def test_another_namespace_is_a_403(hub, sample_dataset):
    with pytest.raises(
        PublishError, match=r"may not write to dataset repo acme/seeds.*403.*No commit"
    ):
        push_dataset(sample_dataset, "acme/seeds")
    assert not hub.repos


def test_no_token_at_all(hub, sample_dataset, monkeypatch):
    monkeypatch.delenv("HF_TOKEN")
    with pytest.raises(PublishError, match="no Hugging Face token: pass --token, set HF_TOKEN"):
        push_dataset(sample_dataset, "user/seeds-fr-ar")


@pytest.mark.parametrize(
    "given",
    [
        "https://huggingface.co/user/seeds-fr-ar",  # a model page
        "models/user/seeds-fr-ar",
        "spaces/user/seeds-fr-ar",
    ],
)
def test_repo_of_another_type_is_refused(hub, sample_dataset, given):
    hub.add_repo("model", "user/seeds-fr-ar", {"config.json": b"{}"})
    with pytest.raises(ConfigError, match="align publishes dataset repos"):
        push_dataset(sample_dataset, given)
    assert hub.files("model", "user/seeds-fr-ar") == {"config.json": b"{}"}


def test_a_model_with_the_same_id_is_left_untouched(hub, sample_dataset):
    hub.add_repo("model", "user/seeds-fr-ar", {"config.json": b"{}"})
    push_dataset(sample_dataset, "user/seeds-fr-ar")
    assert hub.files("model", "user/seeds-fr-ar") == {"config.json": b"{}"}
    assert "README.md" in hub.files("dataset", "user/seeds-fr-ar")


@pytest.mark.parametrize(
    "given, expected",
    [
        ("user/seeds-fr-ar", "user/seeds-fr-ar"),
        ("datasets/user/seeds-fr-ar", "user/seeds-fr-ar"),
        ("https://huggingface.co/datasets/user/seeds-fr-ar", "user/seeds-fr-ar"),
        ("seeds-fr-ar", "seeds-fr-ar"),
    ],
)
def test_dataset_repo_ids(given, expected):
    assert dataset_repo_id(given) == expected


def test_no_network_names_the_endpoint(monkeypatch, sample_dataset, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    _point_clients_at(monkeypatch, f"http://127.0.0.1:{port}", tmp_path)
    with pytest.raises(PublishError, match=rf"cannot reach http://127.0.0.1:{port}.*HF_ENDPOINT"):
        push_dataset(sample_dataset, "user/seeds-fr-ar")


def test_card_rejected_by_the_hub_before_upload(hub, sample_dataset):
    card = sample_dataset / "README.md"
    card.write_text(
        card.read_text(encoding="utf-8").replace("license: other", "license: mine"),
        encoding="utf-8",
    )
    with pytest.raises(PublishError, match="rejected the metadata.*license.*Nothing was uploaded"):
        push_dataset(sample_dataset, "user/seeds-fr-ar")
    assert not hub.repos


def test_cli_push(hub, sample_dataset):
    app = typer.Typer()
    app.command()(push)
    result = CliRunner().invoke(app, [str(sample_dataset), "--repo-id", "seeds-fr-ar"])
    assert result.exit_code == 0, result.output
    assert f"to {hub.endpoint}/datasets/user/seeds-fr-ar" in result.output
    assert "train 2, test 1, rejected 1" in result.output


def test_directory_problems_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="is not a directory"):
        push_dataset(tmp_path / "absent", "user/seeds-fr-ar")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no README.md: not a dataset written by 'align build'"):
        push_dataset(tmp_path / "empty", "user/seeds-fr-ar")
    data = write_sample_dataset(tmp_path / "ds")
    (data / "data" / "train-00000-of-00001.parquet").rename(data / "data" / "train.parquet")
    with pytest.raises(InputError, match="not named <split>-NNNNN-of-NNNNN.parquet"):
        push_dataset(data, "user/seeds-fr-ar")


def test_stand_in_listens_on_loopback_only_and_stops():
    with HubStandIn(TOKENS) as stand_in:
        host, port = stand_in.server.server_address
        assert host == "127.0.0.1"
        socket.create_connection((host, port), timeout=2).close()
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=2)


def test_hf_endpoint_and_hf_token_from_the_environment(tmp_path):
    """A fresh process configured only by environment variables, as a user runs it."""
    import os
    import subprocess
    import sys

    data = write_sample_dataset(tmp_path / "ds")
    program = (
        "import sys; from align.publish.push import push_dataset; "
        "r = push_dataset(sys.argv[1], 'user/seeds-fr-ar'); print(r.url)"
    )
    with HubStandIn(TOKENS) as stand_in:
        env = dict(
            os.environ,
            HF_ENDPOINT=stand_in.endpoint,
            HF_TOKEN="fake",
            HF_HUB_DISABLE_XET="1",
            HF_HOME=str(tmp_path / "hf"),
        )
        run = subprocess.run(
            [sys.executable, "-c", program, str(data)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert run.stdout.strip() == f"{stand_in.endpoint}/datasets/user/seeds-fr-ar"
        assert "README.md" in stand_in.files("dataset", "user/seeds-fr-ar")
