import pytest
from django.core.files.storage import storages

CACHED = ("base_location", "location")


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    """Each test's private files in a folder of its own, so that tests counting files never see another's.

    The model fields hold the very storage object ``storages["private"]`` returns; its location is
    changed in place (and its cached paths forgotten) for the test.
    """
    storage = storages["private"]
    monkeypatch.setattr(storage, "_location", str(tmp_path / "private"))
    for name in CACHED:
        storage.__dict__.pop(name, None)
    yield
    for name in CACHED:
        storage.__dict__.pop(name, None)
