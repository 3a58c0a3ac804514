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

import pytest

from livefix import edits
from livefix import source

from .helpers import RELEASES


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
        source.changed_lines(text, _formatted(tree, path, text))[0]
    )
    reformatted_upstream = collections.Counter(
        source.changed_lines(
            pristine[path], _formatted(tree, path, pristine[path])
        )[0]
    )
    assert reformatted - reformatted_upstream == collections.Counter(), path
