"""Upstream's formatters, with upstream's settings, leave the inserted code be.

Each edited file is formatted in an unpacked upstream sdist, next to its
pyproject.toml, as a maintainer's pre-commit would. The formatters may change
lines of the pristine file too; the edited file may differ from its formatted
self only in those.
"""

import collections
import pathlib
import subprocess
import sys
import tarfile

import pytest

from livefix import edits

from .helpers import changed_lines
from .helpers import RELEASES


@pytest.fixture(scope='module')
def sdist_tree(tmp_path_factory):
  def unpack(release: str) -> pathlib.Path:
    downloads = tmp_path_factory.mktemp('sdist')
    subprocess.run(
        [
            sys.executable,
            '-m',
            'pip',
            'download',
            '--no-deps',
            '--no-binary=:all:',
            '--disable-pip-version-check',
            '--dest',
            str(downloads),
            f'google-adk=={release}',
        ],
        check=True,
        capture_output=True,
    )
    [archive] = downloads.glob('*.tar.gz')
    with tarfile.open(archive) as sdist:
      sdist.extractall(downloads, filter='data')
    return downloads / f'google_adk-{release}'

  return unpack


def _formatted(tree: pathlib.Path, path: str, text: str) -> str:
  """`text` after pyink and isort with the tree's own settings."""
  target = tree / 'src' / path
  target.write_text(text)
  for formatter in (['pyink', '--quiet'], ['isort', '--quiet']):
    subprocess.run(
        [sys.executable, '-m', *formatter, str(target)], cwd=tree, check=True
    )
  return target.read_text()


@pytest.mark.parametrize('release', RELEASES)
def test_formatters_change_no_inserted_line(release, sdist_tree):
  tree = sdist_tree(release)
  pristine = {}

  def read(path: str) -> str:
    pristine[path] = (tree / 'src' / path).read_text()
    return pristine[path]

  edited = edits.apply(read, release)

  for path, text in edited.items():
    reformatted = collections.Counter(
        changed_lines(text, _formatted(tree, path, text))[0]
    )
    reformatted_upstream = collections.Counter(
        changed_lines(pristine[path], _formatted(tree, path, pristine[path]))[0]
    )
    assert reformatted - reformatted_upstream == collections.Counter(), path
