"""The folders under `releases/`: one source tree per supported release.

`google-adk @ git+URL#subdirectory=releases/X` builds the fork of X and
nothing else, so the release is part of the URL that pip freeze, lockfiles
and caches record. Each folder holds a `pyproject.toml` that names its
release under `[tool.livefix]`, and `livefix/__init__.py`, a package that
hands over the one build backend, two folders up: pip and uv load a backend
only from inside the source tree (PEP 517's `backend-path`), and pip only
if the module `build-backend` names is inside it, hence `livefix:buildapi`.
A package rather than a symbolic link, which git checks out as a text file
where links are off (Windows' default), and rather than a build requirement,
which would name a project on the public index.

`python -m livefix folders` writes them from `releases.txt`.
"""

from __future__ import annotations

import pathlib
import re
import shutil

from . import releases

FOLDER = 'releases'
# The package inside each folder: its modules are the backend's.
_PACKAGE = 'livefix/__init__.py'
_PACKAGE_TEXT = '''\
"""This folder's build backend: the repository's `livefix`, two folders up."""

import pathlib

__path__ = [str(pathlib.Path(__file__).resolve().parents[3] / 'livefix')]

from . import buildapi  # What build-backend names.
'''
# The one line under [tool.livefix]; read without a TOML library, which
# Python 3.10 lacks and a build with nothing installed cannot ask for.
_NAMED = re.compile(r'^\[tool\.livefix\]\nupstream = "([^"\n]*)"$', re.M)


class FolderError(Exception):
  """A source tree's `[tool.livefix]` table is not the one line it must be."""


def pyproject(release: str) -> str:
  """The text of `releases/{release}/pyproject.toml`."""
  return f"""\
# google-adk {release} with the live close() fix: install this folder, as
#   google-adk @ git+<repository-url>#subdirectory={FOLDER}/{release}
# Written by `python -m livefix folders` from livefix/releases.txt.
[build-system]
requires = []
build-backend = "livefix:buildapi"
backend-path = ["."]

[project]
name = "google-adk"
# Everything but the name is upstream's, from the release's wheel.
dynamic = [
  "version",
  "description",
  "readme",
  "authors",
  "requires-python",
  "classifiers",
  "dependencies",
  "optional-dependencies",
  "scripts",
  "urls",
]

[tool.livefix]
upstream = "{release}"

[tool.uv]
cache-keys = [{{ file = "pyproject.toml" }}, {{ file = "../../livefix/**" }}]
"""


def named_release(tree: pathlib.Path) -> str | None:
  """The release `tree/pyproject.toml` names under `[tool.livefix]`, if any.

  Raises FolderError for a table that is there but not in the written form.
  """
  path = tree / 'pyproject.toml'
  text = path.read_text() if path.is_file() else ''
  if '[tool.livefix]' not in text:
    return None
  match = _NAMED.search(text)
  if match is None:
    raise FolderError(
        f'{path} has a [tool.livefix] table, but not the line'
        ' upstream = "X" right under it: write it so, or run'
        ' python -m livefix folders'
    )
  return match.group(1)


def differences(root: pathlib.Path) -> list[str]:
  """The paths under `root/releases` that differ from what `write` writes."""
  found = []
  for release in releases.WHEEL_SHA256:
    folder = root / FOLDER / release
    toml = folder / 'pyproject.toml'
    if not toml.is_file() or toml.read_text() != pyproject(release):
      found.append(f'{FOLDER}/{release}/pyproject.toml')
    package = folder / _PACKAGE
    if not package.is_file() or package.read_text() != _PACKAGE_TEXT:
      found.append(f'{FOLDER}/{release}/{_PACKAGE}')
  listed = set(releases.WHEEL_SHA256)
  if (root / FOLDER).is_dir():
    for folder in sorted((root / FOLDER).iterdir()):
      if folder.name not in listed:
        found.append(f'{FOLDER}/{folder.name}')
  return found


def write(root: pathlib.Path) -> list[str]:
  """Makes `root/releases` hold one folder per supported release and no
  other; returns the paths it changed."""
  changed = differences(root)
  listed = set(releases.WHEEL_SHA256)
  for folder in (root / FOLDER).glob('*'):
    if folder.name not in listed:
      shutil.rmtree(folder)
  for release in releases.WHEEL_SHA256:
    folder = root / FOLDER / release
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'pyproject.toml').write_text(pyproject(release))
    package = folder / _PACKAGE
    if package.parent.is_symlink():
      package.parent.unlink()  # Written by earlier versions.
    package.parent.mkdir(exist_ok=True)
    package.write_text(_PACKAGE_TEXT)
  return changed
