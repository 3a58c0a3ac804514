"""Writes the fork's sdist: this project's build files, not upstream's code.

Building a wheel from the sdist downloads upstream's wheel like a build from a
clone does; the sdist remembers the release it was made for.
"""

from __future__ import annotations

import email.parser
import io
import pathlib
import tarfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
_FILES = ('pyproject.toml', 'README.md')
_PACKAGE = pathlib.Path(__file__).resolve().parent


def built_for() -> str | None:
  """The upstream release of the sdist this tree was unpacked from, if any."""
  pkg_info = ROOT / 'PKG-INFO'
  if not pkg_info.is_file():
    return None
  metadata = email.parser.Parser().parsestr(pkg_info.read_text())
  # Our own PKG-INFO: its version is the release's, with a local label.
  return metadata['Version'].partition('+')[0]


def _sources() -> list[pathlib.Path]:
  package = [
      path
      for path in sorted(_PACKAGE.rglob('*'))
      if path.suffix in ('.py', '.txt') and '__pycache__' not in path.parts
  ]
  return [ROOT / name for name in _FILES] + package


def write(out_dir: pathlib.Path, version: str) -> str:
  name = f'google_adk-{version}'
  pkg_info = (
      f'Metadata-Version: 2.1\nName: google-adk\nVersion: {version}\n'
  ).encode()
  target = out_dir / f'{name}.tar.gz'
  with tarfile.open(target, 'w:gz', format=tarfile.PAX_FORMAT) as archive:
    for path in _sources():
      archive.add(path, f'{name}/{path.relative_to(ROOT).as_posix()}')
    entry = tarfile.TarInfo(f'{name}/PKG-INFO')
    entry.size = len(pkg_info)
    archive.addfile(entry, io.BytesIO(pkg_info))
  return target.name
