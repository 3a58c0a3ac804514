"""Tests for the folder of each release under releases/."""

import pathlib

import pytest

from livefix import folders
from livefix import releases

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_every_release_has_its_folder_as_written_from_the_table():
  # Run `python -m livefix folders` after changing releases.txt.
  assert folders.differences(ROOT) == []


def test_each_folder_names_its_release_and_nothing_else_differs():
  tomllib = pytest.importorskip('tomllib')
  root = tomllib.loads((ROOT / 'pyproject.toml').read_text())
  for release in releases.WHEEL_SHA256:
    folder = ROOT / folders.FOLDER / release
    table = tomllib.loads((folder / 'pyproject.toml').read_text())

    assert table['tool']['livefix'] == {'upstream': release}
    assert folders.named_release(folder) == release
    assert table['build-system'] == root['build-system']
    assert table['project']['dynamic'] == root['project']['dynamic']
    assert (folder / 'livefix' / 'buildapi.py').is_file()


def test_write_makes_the_folders_and_drops_unlisted_ones(tmp_path):
  (tmp_path / folders.FOLDER / '0.1.0').mkdir(parents=True)
  (tmp_path / folders.FOLDER / '1.36.1').mkdir()
  (tmp_path / folders.FOLDER / '1.36.1' / 'pyproject.toml').write_text('')

  changed = folders.write(tmp_path)

  assert folders.differences(tmp_path) == []
  assert not (tmp_path / folders.FOLDER / '0.1.0').exists()
  assert 'releases/0.1.0' in changed
  assert 'releases/1.36.1/pyproject.toml' in changed
  assert len(changed) == 2 * len(releases.WHEEL_SHA256) + 1


def test_the_root_names_no_release():
  assert folders.named_release(ROOT) is None


def test_refuses_a_table_not_in_the_written_form(tmp_path):
  (tmp_path / 'pyproject.toml').write_text(
      "[tool.livefix]\nupstream = '1.36.1'\n"
  )

  with pytest.raises(folders.FolderError, match='upstream = "X"'):
    folders.named_release(tmp_path)
