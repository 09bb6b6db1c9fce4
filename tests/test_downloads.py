"""The data package archive holds the package's files and nothing outside its one folder."""

import json
import zipfile

import pytest

from herd.presentation import downloads
from herd.record import data


def test_every_entry_of_the_archive_is_inside_its_folder(data_copy, tmp_path):
    archive = downloads.data_archive(data_copy, tmp_path / "out" / downloads.ARCHIVE)
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
    assert f"{downloads.ARCHIVE_ROOT}/datapackage.json" in names
    for name in names:
        assert name.startswith(f"{downloads.ARCHIVE_ROOT}/") and ".." not in name.split("/"), name


def test_the_archive_refuses_a_resource_outside_the_data_folder(data_copy, tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.csv").write_text("secret\n")
    descriptor = json.loads((data_copy / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "../outside/x.csv"
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(data.DataError, match="leads outside the data package's folder"):
        downloads.data_archive(data_copy, tmp_path / "out" / downloads.ARCHIVE)
    assert not (tmp_path / "out" / downloads.ARCHIVE).exists()


def test_the_archive_refuses_a_link_out_of_the_data_folder(data_copy, tmp_path):
    (tmp_path / "secret.csv").write_text("secret\n")
    (data_copy / "transcriptions" / "linked.csv").symlink_to(tmp_path / "secret.csv")
    with pytest.raises(data.DataError, match="linked.csv: leads outside"):
        downloads.data_archive(data_copy, tmp_path / "out" / downloads.ARCHIVE)
