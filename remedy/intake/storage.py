"""Where the bytes of evidence and respondents' documents are kept: the one module that
touches them. EVIDENCE_STORAGE chooses the backend:

- "filesystem": files on a local disk under EVIDENCE_DIR (<root>/ab/cd/<sha256>, the
  respondents' documents under <root>/responses/), as Remedy always stored them;
- "database": rows of the `stored_files` table, so that every app server and worker sees
  the same files and a database backup holds them.

Files are content-addressed: the key is the SHA-256 of the content, computed by the store,
so a key can never be a path and storing the same file twice keeps one copy.

Deleting files that an erasure orphans must not happen if the erasure is rolled back; so
callers use `delete_when_committed`, never `delete`, inside a transaction. The filesystem
cannot take part in the database transaction: it deletes the files once the session has
committed (a crash in between leaves a file without a row, which the retention of the
disk's backups must cover). The database backend deletes the rows in the same transaction
as the erasure: both happen or neither, with nothing to do after the commit.
"""

import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import delete, event, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake.models import FileContent

BACKENDS = ("filesystem", "database")
AREAS = {"evidence": "", "responses": "responses"}  # area: its folder under EVIDENCE_DIR
CHUNK = 1024 * 1024


def check_key(key: str) -> str:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError("not a SHA-256")
    return key


class FileStore:
    """put(data) -> key, open(key) -> a binary file, read(key) -> bytes, exists(key),
    delete(key) now, delete_when_committed(keys), and stored_before(moment) for purges.
    A missing key raises FileNotFoundError from open and read; delete ignores it."""

    def put(self, data: bytes | BinaryIO) -> str:
        raise NotImplementedError

    def open(self, key: str) -> BinaryIO:
        raise NotImplementedError

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def delete_when_committed(self, keys: Iterable[str]) -> None:
        raise NotImplementedError

    def stored_before(self, moment: datetime) -> Iterator[str]:
        """The key of every file last stored before `moment`."""
        raise NotImplementedError


class FilesystemStore(FileStore):
    """Files on a local disk, content-addressed: <root>/ab/cd/<sha256>."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes | BinaryIO) -> str:
        stream = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
        self.root.mkdir(parents=True, exist_ok=True)
        # Write (hashing on the way, a chunk at a time) then rename, so a reader never sees
        # half a file.
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as handle:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    handle.write(chunk)
            key = digest.hexdigest()
            path = self._path(key)
            if path.exists():
                os.utime(path)  # stored again: a purge counts from now
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_when_committed(self, keys: Iterable[str]) -> None:
        """Delete after the session's transaction commits; not at all if it rolls back."""
        keys = [check_key(k) for k in keys]
        if not keys:
            return
        session, state = db.session(), {"open": True}

        def committed(_session):
            if state["open"]:
                state["open"] = False
                for key in keys:
                    self.delete(key)

        def rolled_back(_session):
            state["open"] = False

        event.listen(session, "after_commit", committed, once=True)
        event.listen(session, "after_rollback", rolled_back, once=True)

    def stored_before(self, moment: datetime) -> Iterator[str]:
        if not self.root.exists():
            return
        cutoff = moment.timestamp()
        for path in self.root.glob("??/??/*"):
            if len(path.name) == 64 and path.stat().st_mtime < cutoff:
                yield path.name


class DatabaseStore(FileStore):
    """Files as rows of `stored_files` (bytea on PostgreSQL, a blob on SQLite).

    `put` and `delete` run in a transaction of their own, as a write to a disk would: a file
    uploaded with a form that is refused must still be there when the form comes back with
    its receipt. Reads use the session. A file is read into memory once (uploads are at most
    UPLOAD_MAX_BYTES) and `open` wraps those bytes without copying them."""

    def __init__(self, area: str):
        self.area = area
        self.table = FileContent.__table__

    def _where(self, key: str):
        return (FileContent.area == self.area) & (FileContent.key == check_key(key))

    def put(self, data: bytes | BinaryIO) -> str:
        content = bytes(data) if isinstance(data, bytes | bytearray | memoryview) else data.read()
        key = hashlib.sha256(content).hexdigest()
        try:
            with db.engine.begin() as connection:
                renewed = connection.execute(
                    update(self.table).where(self._where(key)).values(stored_at=utcnow()))
                if not renewed.rowcount:
                    connection.execute(insert(self.table).values(
                        area=self.area, key=key, size=len(content), content=content,
                        stored_at=utcnow()))
        except IntegrityError:
            pass  # the same file, stored at the same moment by another request
        return key

    def open(self, key: str) -> BinaryIO:
        content = db.session.scalar(select(FileContent.content).where(self._where(key)))
        if content is None:
            raise FileNotFoundError(f"no stored file {self.area}/{key}")
        return io.BytesIO(content)

    def exists(self, key: str) -> bool:
        return bool(db.session.scalar(select(exists().where(self._where(key)))))

    def delete(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(self.table).where(self._where(key)))

    def delete_when_committed(self, keys: Iterable[str]) -> None:
        """Delete in the session's transaction: gone with its commit, kept by a rollback."""
        keys = [check_key(k) for k in keys]
        if keys:
            db.session.execute(delete(self.table).where(
                (FileContent.area == self.area) & FileContent.key.in_(keys)))

    def stored_before(self, moment: datetime) -> Iterator[str]:
        yield from db.session.scalars(
            select(FileContent.key).where(FileContent.area == self.area,
                                          FileContent.stored_at < moment.astimezone(UTC)
                                          ).order_by(FileContent.key)).all()


def file_store(area: str, backend: str | None = None) -> FileStore:
    """The store of one area, by the application's EVIDENCE_STORAGE unless told."""
    if area not in AREAS:
        raise ValueError(f"no file area {area!r}")
    backend = backend or current_app.config["EVIDENCE_STORAGE"]
    if backend == "database":
        return DatabaseStore(area)
    if backend == "filesystem":
        return FilesystemStore(Path(current_app.config["EVIDENCE_DIR"]) / AREAS[area])
    raise RuntimeError(check_backend(backend))


def check_backend(backend) -> str | None:
    """Why this EVIDENCE_STORAGE cannot be used, or None (checked when the app starts)."""
    if backend in BACKENDS:
        return None
    return (f"EVIDENCE_STORAGE (REMEDY_EVIDENCE_STORAGE) must be one of "
            f"{', '.join(BACKENDS)}, not {backend!r}")


def evidence_store() -> FileStore:
    """The complainants' evidence."""
    return file_store("evidence")


def document_store() -> FileStore:
    """The respondents' documents, beside (not among) the complainants' evidence."""
    return file_store("responses")


def copy_files(source: str, target: str) -> tuple[int, int, list[str]]:
    """Copy every file of every area from one backend to another (before switching
    EVIDENCE_STORAGE); files already there are skipped, nothing is deleted. Returns how
    many were copied and skipped, and the files whose content no longer matches its key."""
    copied, skipped, damaged = 0, 0, []
    for area in AREAS:
        source_store, target_store = file_store(area, source), file_store(area, target)
        for key in list(source_store.stored_before(utcnow() + timedelta(days=1))):
            if target_store.exists(key):
                skipped += 1
                continue
            with source_store.open(key) as handle:
                if target_store.put(handle) != key:
                    damaged.append(f"{area}/{key}")
                    continue
            copied += 1
    return copied, skipped, damaged
