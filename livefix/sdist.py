"""Writes the fork's sdist: this project's build files, not upstream's code.

Building a wheel from the sdist downloads upstream's wheel like a build from a
clone does; the sdist remembers the release it was made for in its PKG-INFO.
"""

from __future__ import annotations

import email.parser
import gzip
import io
import pathlib
import tarfile

_PACKAGE = pathlib.Path(__file__).resolve().parent
ROOT = _PACKAGE.parent
# Every member's time stamp, and the gzip header's: the one hatchling gives
# reproducible builds without SOURCE_DATE_EPOCH (2020-02-02), so that two
# builds of the sdist are the same bytes.
_MTIME = 1580601600


def built_for(tree: pathlib.Path) -> str | None:
  """The upstream release of the sdist unpacked into `tree`, if it is one."""
  pkg_info = tree / 'PKG-INFO'
  if not pkg_info.is_file():
    return None
  metadata = email.parser.Parser().parsestr(pkg_info.read_text())
  # Our own PKG-INFO: its version is the release's, with a local label.
  return metadata['Version'].partition('+')[0]


def _sources() -> dict[str, pathlib.Path]:
  """The root's pyproject.toml, the backend's files and the README, by their
  path in the sdist. The root's pyproject.toml whichever tree the sdist is
  made from: a release folder's hands over a backend two folders up, which
  the sdist does not have, and PKG-INFO names the release."""
  package = {
      path.relative_to(ROOT).as_posix(): path
      for path in sorted(_PACKAGE.rglob('*'))
      if path.suffix in ('.py', '.txt') and '__pycache__' not in path.parts
  }
  return {
      'pyproject.toml': ROOT / 'pyproject.toml',
      'README.md': ROOT / 'README.md',
      **package,
  }


def _normalised(entry: tarfile.TarInfo) -> tarfile.TarInfo:
  entry.uid = entry.gid = 0
  entry.uname = entry.gname = ''
  entry.mode = 0o644
  entry.mtime = _MTIME
  return entry


def write(out_dir: pathlib.Path, version: str) -> str:
  """Writes the sdist of the fork's `version`, byte for byte the same each
  time; returns the file's name."""
  name = f'google_adk-{version}'
  pkg_info = (
      f'Metadata-Version: 2.1\nName: google-adk\nVersion: {version}\n'
  ).encode()
  target = out_dir / f'{name}.tar.gz'
  with target.open('wb') as file, gzip.GzipFile(
      fileobj=file, mode='wb', mtime=_MTIME
  ) as compressed, tarfile.open(
      fileobj=compressed, mode='w', format=tarfile.PAX_FORMAT
  ) as archive:
    for path_in_sdist, path in _sources().items():
      archive.add(path, f'{name}/{path_in_sdist}', filter=_normalised)
    entry = _normalised(tarfile.TarInfo(f'{name}/PKG-INFO'))
    entry.size = len(pkg_info)
    archive.addfile(entry, io.BytesIO(pkg_info))
  return target.name
