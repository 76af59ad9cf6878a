"""Scans on S3-compatible storage (django-storages against moto's S3 server), shared by two app servers."""

from __future__ import annotations

import pytest

from scripts.journey import Browser, Person, register, scans

from .conftest import new_stack


@pytest.fixture(scope="module")
def s3_stack(binaries):
    stack = new_stack(pg_port=54345, redis_port=6395, s3_port=6396)
    try:
        stack.start(app_servers=2)
        yield stack
    finally:
        stack.stop()


def test_two_servers_keep_scans_in_the_bucket(s3_stack):
    """Uploads on either server land encrypted in the private bucket; the scan view streams them back."""
    stack = s3_stack
    browser = Browser([server.url for server in stack.servers])
    person = Person.random()
    assert register(browser, person, stack).completed
    stored = stack.s3_keys("scans/")
    assert len(stored) == 2 and {key.rsplit(".", 1)[-1] for key in stored} == {"png", "pdf"}
    assert stack.s3_keys("wizard/") == []  # the draft's temporary uploads are gone after submission
    assert not any((stack.files / "scans").rglob("*.*"))  # nothing on an app server's disk
    (pk,) = stack.sql("SELECT id FROM accounts_document WHERE role = 'identity'")[0]
    for server in stack.servers:
        scan = browser.get(f"/account/documents/{pk}/scan/", server=server.url)
        assert scan.status == 200 and scan.body == scans()["png"]
    head = stack.s3_client().head_object(Bucket=stack.S3_BUCKET, Key=stored[0])
    assert head.get("ServerSideEncryption") == "AES256"
    for key in stored:  # the bucket holds ciphertext (registration.core.storage), not the files
        body = stack.s3_client().get_object(Bucket=stack.S3_BUCKET, Key=key)["Body"].read()
        assert body[:1] == b"\x80" and body not in scans().values()
