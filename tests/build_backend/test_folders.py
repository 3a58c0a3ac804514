"""Tests for the folder of each release under releases/."""

import pathlib
import subprocess
import sys

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
    # The root's backend, handed over by the folder's own package.
    assert table['build-system'] == {
        **root['build-system'],
        'build-backend': 'livefix:buildapi',
    }
    assert table['project']['dynamic'] == root['project']['dynamic']


def test_no_folder_holds_a_symbolic_link():
  # Git checks links out as text files where they are off (Windows').
  links = [p for p in (ROOT / folders.FOLDER).rglob('*') if p.is_symlink()]
  assert links == []


def test_a_folders_package_hands_over_the_backends_modules():
  folder = ROOT / folders.FOLDER / releases.DEFAULT

  done = subprocess.run(
      [
          sys.executable,
          '-c',
          'import livefix; print(livefix.__file__, livefix.buildapi.__file__)',
      ],
      cwd=folder,
      capture_output=True,
      text=True,
      check=True,
  )

  assert done.stdout.split() == [
      str(folder / 'livefix' / '__init__.py'),
      str(ROOT / 'livefix' / 'buildapi.py'),
  ]
