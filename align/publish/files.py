"""Writing outputs safely: the destination is checked before any work, files get the
permissions the user's umask asks for, and a directory is built beside its destination
and swapped into place, so it is never half-written and files it does not own survive.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from align.errors import InputError


def check_writable(path: str | Path) -> None:
    """Refuse a ``path`` that cannot be created or replaced, before any work is done.

    Outputs are written beside their destination and renamed onto it, so what must be
    writable is the destination's folder, or the nearest one that exists (the missing
    ones are created). A trial folder is created and removed there: this also catches
    read-only file systems and access rules that permission bits do not show.
    """
    path = Path(path)
    folder = path.absolute().parent
    while not folder.exists() and not folder.is_symlink():
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(path, f"cannot write here: {folder} is not a directory")
    try:
        trial = tempfile.mkdtemp(prefix=".align-write-check.", dir=folder)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise InputError(path, f"cannot write here: {reason} in {folder}") from None
    os.rmdir(trial)


def current_umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """Mode of a new file under the current umask, as ``open()`` would create it."""
    return 0o666 & ~current_umask()


def dir_mode() -> int:
    """Mode of a new directory under the current umask, as ``mkdir`` would create it."""
    return 0o777 & ~current_umask()


def make_staging_dir(out: Path) -> Path:
    """An empty directory beside ``out``, with the mode of the directory it will replace
    (or the umask's); ``tempfile`` would make it private."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(stat.S_IMODE(out.stat().st_mode) if out.is_dir() else dir_mode())
    return staging


def swap_in(staging: Path, out: Path, owned: Callable[[str], bool]) -> None:
    """Put the finished ``staging`` directory in place of ``out``.

    Entries of an earlier ``out`` that the writer does not own (``owned(name)`` is false:
    a user's notes, a report folder) are carried into ``staging`` first, as hard links
    where the file system allows (copies elsewhere), so the earlier directory stays whole
    until the swap. Then ``out`` is renamed away, ``staging`` renamed onto it, and the old
    directory removed.
    """
    if not out.exists():
        os.replace(staging, out)
        return
    for entry in out.iterdir():
        if not owned(entry.name) and not os.path.lexists(staging / entry.name):
            _carry(entry, staging / entry.name)
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(old / out.name, out)
        os.rmdir(old)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _carry(source: Path, target: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
