"""Writes the fork's sdist: this project's build files, not upstream's code.

Building a wheel from the sdist downloads upstream's wheel like a build from a
clone does; the sdist remembers the release it was made for in its PKG-INFO.
"""

from __future__ import annotations

import email.parser
import io
import pathlib
import tarfile

_PACKAGE = pathlib.Path(__file__).resolve().parent
ROOT = _PACKAGE.parent


def built_for(tree: pathlib.Path) -> str | None:
  """The upstream release of the sdist unpacked into `tree`, if it is one."""
  pkg_info = tree / 'PKG-INFO'
  if not pkg_info.is_file():
    return None
  metadata = email.parser.Parser().parsestr(pkg_info.read_text())
  # Our own PKG-INFO: its version is the release's, with a local label.
  return metadata['Version'].partition('+')[0]


def _sources() -> dict[str, pathlib.Path]:
  """The backend's files and the README, by their path in the sdist."""
  package = {
      path.relative_to(ROOT).as_posix(): path
      for path in sorted(_PACKAGE.rglob('*'))
      if path.suffix in ('.py', '.txt') and '__pycache__' not in path.parts
  }
  return {'README.md': ROOT / 'README.md', **package}


def write(out_dir: pathlib.Path, version: str, tree: pathlib.Path) -> str:
  """Writes the sdist of source tree `tree` (its pyproject.toml, which may
  name a release) for the fork's `version`; returns the file's name."""
  name = f'google_adk-{version}'
  pkg_info = (
      f'Metadata-Version: 2.1\nName: google-adk\nVersion: {version}\n'
  ).encode()
  target = out_dir / f'{name}.tar.gz'
  with tarfile.open(target, 'w:gz', format=tarfile.PAX_FORMAT) as archive:
    archive.add(tree / 'pyproject.toml', f'{name}/pyproject.toml')
    for path_in_sdist, path in _sources().items():
      archive.add(path, f'{name}/{path_in_sdist}')
    entry = tarfile.TarInfo(f'{name}/PKG-INFO')
    entry.size = len(pkg_info)
    archive.addfile(entry, io.BytesIO(pkg_info))
  return target.name
