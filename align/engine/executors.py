"""What runs the stages: datatrove's local, Ray or Slurm executor.

The stages run one after the other; each one's tasks run in parallel on the chosen
executor. Executors never touch the stage logic: a task is ``BuildStep.run`` for one rank,
and datatrove marks each finished rank in the stage's ``logs/completions`` folder, which
is what a rerun consults to skip finished work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from datatrove.executor import (
    LocalPipelineExecutor,
    RayPipelineExecutor,
    SlurmPipelineExecutor,
)

from align.engine.steps import STAGES, BuildStep, Plan, prepare_stage
from align.errors import AlignError, ConfigError

EXECUTORS = ("local", "ray", "slurm")
POLL_SECONDS = 2.0


class StageError(AlignError):
    """Some tasks of a stage did not finish; names the stage and where its logs are."""


@dataclass(frozen=True)
class ExecutorOptions:
    """Which executor runs the tasks, and its settings."""

    kind: str = "local"
    workers: int = 1  # tasks run at once (local and Ray)
    ray_address: str | None = None  # None: start a local Ray cluster for the build
    partition: str | None = None  # Slurm partition (None: the cluster's default)
    time: str = "04:00:00"  # Slurm time limit per task
    cpus_per_task: int = 1
    mem_per_cpu_gb: float = 2.0

    def __post_init__(self) -> None:
        if self.kind not in EXECUTORS:
            raise ConfigError(f"unknown executor {self.kind!r}: use {', '.join(EXECUTORS)}")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")


StageProgress = Callable[[str, int, int], None]


def run_stages(plan: Plan, options: ExecutorOptions, in_process: frozenset[str] = frozenset(),
               progress: StageProgress | None = None) -> None:
    """Run every stage of ``plan``; stages in ``in_process`` run in this process."""
    if options.kind == "ray":
        _start_ray(options)
    for stage in STAGES:
        executor = _executor(plan, stage, options, stage in in_process)
        tasks = executor.world_size
        if progress:
            progress(stage, 0, tasks)
        local = isinstance(executor, LocalExecutor)
        here = local and executor.workers == 1
        with _quiet_library():
            if here:
                executor.run_here(partial(progress, stage) if progress else None)
            else:
                if local and executor.get_incomplete_ranks():
                    prepare_stage(plan, stage)  # forked workers start with what this process loaded
                executor.run()
        if options.kind == "slurm" and stage not in in_process:
            _wait_for_slurm(executor)
        missing = executor.get_incomplete_ranks(skip_completed=True)
        if missing:
            logs = plan.folders()[stage] / "logs"
            raise StageError(f"stage {stage}: tasks {missing[:10]} did not finish; their logs "
                             f"are in {logs}. Rerun the same command to resume.")
        if progress and not here:
            progress(stage, tasks, tasks)


class _QuietTasks:
    """Tasks log to their files in ``logs/`` and only errors to the console."""

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1) -> Any:
        return super()._run_for_rank(rank, 1, node_rank)  # type: ignore[misc]


class LocalExecutor(_QuietTasks, LocalPipelineExecutor):
    """datatrove's local executor: tasks in worker processes on this machine, or one after
    the other in this process with one worker."""

    def run_here(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Run the unfinished tasks in this process, without starting any other."""
        self._launched = True
        ranks = self.get_incomplete_ranks()
        done = self.world_size - len(ranks)
        for rank in ranks:
            self._run_for_rank(rank)
            done += 1
            if progress:
                progress(done, self.world_size)


class RayExecutor(_QuietTasks, RayPipelineExecutor):
    """datatrove's Ray executor: tasks on a Ray cluster."""


class SlurmExecutor(_QuietTasks, SlurmPipelineExecutor):
    """datatrove's Slurm executor: tasks as a Slurm job array."""


@contextmanager
def _quiet_library() -> Iterator[None]:
    """datatrove's progress messages stay in the task logs, not on the console."""
    from loguru import logger

    logger.disable("datatrove")
    try:
        yield
    finally:
        logger.enable("datatrove")


def _executor(plan: Plan, stage: str, options: ExecutorOptions, in_process: bool) -> Any:
    tasks = plan.tasks_of(stage)
    common: dict[str, Any] = {
        "pipeline": [BuildStep(plan, stage)],
        "tasks": tasks,
        "logging_dir": str(plan.folders()[stage] / "logs"),
    }
    if in_process or options.kind == "local":
        workers = 1 if in_process else min(options.workers, tasks)
        return LocalExecutor(**common, workers=workers, start_method="fork")
    if options.kind == "ray":
        return RayExecutor(
            **common, workers=options.workers, cpus_per_task=options.cpus_per_task,
            mem_per_cpu_gb=options.mem_per_cpu_gb,
        )
    activate = Path(sys.prefix) / "bin" / "activate"
    return SlurmExecutor(
        **common, time=options.time, partition=options.partition or "",
        cpus_per_task=options.cpus_per_task, mem_per_cpu_gb=max(1, int(options.mem_per_cpu_gb)),
        job_name=f"align-{stage}", qos="", venv_path=str(activate) if activate.exists() else None,
        slurm_logs_folder=str(plan.folders()[stage] / "logs" / "slurm"), requeue=False,
    )


def _start_ray(options: ExecutorOptions) -> None:
    """Connect to the Ray cluster at ``ray_address``, or start a local one for the build."""
    try:
        import ray
    except ImportError as error:
        raise ConfigError("the Ray executor needs ray: pip install 'align[ray]'") from error
    if ray.is_initialized():
        return
    environment = {"env_vars": {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}}
    if options.ray_address:
        ray.init(address=options.ray_address, runtime_env=environment, log_to_driver=False)
    else:
        ray.init(num_cpus=options.workers * options.cpus_per_task, include_dashboard=False,
                 object_store_memory=256 * 1024**2, runtime_env=environment,
                 log_to_driver=False)


def _wait_for_slurm(executor: Any) -> None:
    """Wait until the stage's Slurm job array has left the queue."""
    job = getattr(executor, "job_id", -1)
    if job in (None, -1) or shutil.which("squeue") is None:
        return
    while executor.get_incomplete_ranks(skip_completed=True):
        queued = subprocess.run(["squeue", "-h", "-j", str(job)], capture_output=True,
                                text=True, check=False).stdout.strip()
        if not queued:
            return
        time.sleep(POLL_SECONDS)
