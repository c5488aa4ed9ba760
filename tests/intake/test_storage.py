"""Each evidence storage backend keeps, gives back and deletes files the same way."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest

from remedy.app import create_app
from remedy.core.db import utcnow
from remedy.extensions import db
from remedy.intake import storage
from remedy.intake.models import FileContent
from tests.conftest import STORAGES


@pytest.fixture(params=STORAGES)
def backend(request, app):
    before = app.config["EVIDENCE_STORAGE"]
    app.config["EVIDENCE_STORAGE"] = request.param
    with app.app_context():
        yield request.param
        db.session.remove()
    app.config["EVIDENCE_STORAGE"] = before


class CountingStream(io.BytesIO):
    """A stream that remembers the largest read asked of it."""

    largest = 0

    def read(self, size=-1):
        self.largest = max(self.largest, size if size >= 0 else len(self.getbuffer()))
        return super().read(size)


def test_put_read_exists_delete(backend):
    store = storage.evidence_store()
    data = f"a payslip, kept by {backend}".encode()
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert store.exists(key) and store.read(key) == data
    with store.open(key) as handle:
        assert handle.read(3) == data[:3] and handle.read() == data[3:]
    assert store.put(data) == key  # the same content, the same single file
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting what is gone is not an error


def test_a_missing_or_malformed_key(backend):
    store = storage.evidence_store()
    missing = "0" * 64
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.read(missing)
    with pytest.raises(FileNotFoundError):
        store.open(missing)
    for bad in ("../../etc/passwd", "A" * 64, "ab"):
        with pytest.raises(ValueError):
            store.exists(bad)


def test_evidence_and_documents_are_kept_apart(backend):
    key = storage.document_store().put(b"the respondent's procedure")
    assert storage.document_store().exists(key)
    assert not storage.evidence_store().exists(key)


def test_a_large_file_is_streamed_in(backend):
    data = bytes(range(256)) * (12 * 1024 * 1024 // 256)  # 12 MB, more than one chunk
    stream = CountingStream(data)
    store = storage.evidence_store()
    key = store.put(stream)
    assert key == hashlib.sha256(data).hexdigest()
    if backend == "filesystem":
        assert stream.largest <= storage.CHUNK  # never the whole file in memory at once
    with store.open(key) as handle:
        assert handle.read(storage.CHUNK) == data[:storage.CHUNK]
        assert len(handle.read()) == len(data) - storage.CHUNK
    store.delete(key)


def test_deletion_waits_for_the_commit_and_a_rollback_keeps_the_file(backend):
    store = storage.evidence_store()
    key = store.put(b"evidence of an erasure that is rolled back")
    db.session.execute(db.select(1))
    store.delete_when_committed([key])
    db.session.rollback()
    assert store.exists(key)
    db.session.commit()  # a later commit of something else deletes nothing
    assert store.exists(key)
    store.delete_when_committed([key])
    if backend == "filesystem":
        assert store.exists(key)  # the disk cannot be part of the transaction: after it
    db.session.commit()
    assert not store.exists(key)


def test_stored_before_lists_files_by_when_they_were_last_stored(backend):
    store = storage.evidence_store()
    key = store.put(b"stored a moment ago")
    assert key not in set(store.stored_before(utcnow() - timedelta(minutes=5)))
    assert key in set(store.stored_before(utcnow() + timedelta(minutes=5)))
    store.delete(key)


def test_the_filesystem_keeps_todays_paths(app, base_config):
    with app.app_context():
        app.config["EVIDENCE_STORAGE"] = "filesystem"
        try:
            key = storage.evidence_store().put(b"a file from before")
            document = storage.document_store().put(b"a document from before")
        finally:
            app.config["EVIDENCE_STORAGE"] = base_config["EVIDENCE_STORAGE"]
    root = Path(base_config["EVIDENCE_DIR"])
    assert (root / key[:2] / key[2:4] / key).read_bytes() == b"a file from before"
    assert (root / "responses" / document[:2] / document[2:4] / document).exists()


def test_the_database_keeps_rows(app, base_config):
    with app.app_context():
        app.config["EVIDENCE_STORAGE"] = "database"
        try:
            key = storage.evidence_store().put(b"a row")
        finally:
            app.config["EVIDENCE_STORAGE"] = base_config["EVIDENCE_STORAGE"]
        row = db.session.get(FileContent, ("evidence", key))
        assert row.size == 5 and bytes(row.content) == b"a row"
        db.session.remove()


def test_an_unknown_backend_stops_the_app_from_starting(base_config):
    with pytest.raises(RuntimeError, match="EVIDENCE_STORAGE .* must be one of filesystem, "
                                           "database, not 's3'"):
        create_app("testing", {**base_config, "EVIDENCE_STORAGE": "s3"})


def test_the_backend_is_chosen_by_an_environment_variable(base_config, monkeypatch):
    monkeypatch.setenv("REMEDY_EVIDENCE_STORAGE", "database")
    config = {k: v for k, v in base_config.items() if k != "EVIDENCE_STORAGE"}
    application = create_app("testing", config)
    assert application.config["EVIDENCE_STORAGE"] == "database"
    with application.app_context():
        assert isinstance(storage.evidence_store(), storage.DatabaseStore)


def test_files_are_copied_to_another_backend_before_switching(app, base_config):
    with app.app_context():
        key = storage.file_store("evidence", "filesystem").put(b"evidence from the disk")
        document = storage.file_store("responses", "filesystem").put(b"a document from the disk")
        runner = app.test_cli_runner()
        result = runner.invoke(args=["remedy", "copy-evidence", "--from", "filesystem",
                                     "--to", "database"])
        assert result.exit_code == 0, result.output
        assert storage.file_store("evidence", "database").read(key) == b"evidence from the disk"
        assert storage.file_store("responses", "database").exists(document)
        again = runner.invoke(args=["remedy", "copy-evidence", "--from", "filesystem",
                                    "--to", "database"])
        assert again.exit_code == 0 and "0 files copied" in again.output
        db.session.remove()
