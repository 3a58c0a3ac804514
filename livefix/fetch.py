"""Gets an official google-adk wheel, verified by its sha256.

A wheel downloaded once with pip is kept in a cache directory, so that later
builds of the same release need neither pip nor the network. A kept wheel is
used only if its sha256 is still the pinned one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from . import releases

CACHE_ENV_VAR = 'GOOGLE_ADK_LIVEFIX_CACHE'


class FetchError(Exception):
  """The upstream wheel could not be had, or is not the one pinned."""


def sha256(path: pathlib.Path) -> str:
  return hashlib.sha256(path.read_bytes()).hexdigest()


def verify(path: pathlib.Path, release: str) -> None:
  expected = releases.wheel_sha256(release)
  actual = sha256(path)
  if actual != expected:
    raise FetchError(
        f'{path.name} has sha256 {actual}, but the official wheel of'
        f' google-adk {release} has {expected}. Refusing to build from it:'
        ' check which package index pip uses (PIP_INDEX_URL, PIP_FIND_LINKS,'
        ' pip.conf) and clear any mirror or cache serving a different file.'
    )


def cache_dir() -> pathlib.Path:
  """Where verified wheels are kept: $GOOGLE_ADK_LIVEFIX_CACHE if set, else
  the user's cache directory of the platform."""
  if os.environ.get(CACHE_ENV_VAR):
    return pathlib.Path(os.environ[CACHE_ENV_VAR])
  home = pathlib.Path.home()
  if sys.platform == 'win32':
    base = os.environ.get('LOCALAPPDATA') or home / 'AppData' / 'Local'
  elif sys.platform == 'darwin':
    base = home / 'Library' / 'Caches'
  else:
    base = os.environ.get('XDG_CACHE_HOME') or home / '.cache'
  return pathlib.Path(base) / 'google-adk-livefix'


def _wheels(release: str, directory: pathlib.Path) -> list[pathlib.Path]:
  return list(directory.glob(f'google_adk-{release}-*.whl'))


def cached(release: str) -> pathlib.Path | None:
  """The kept wheel of `release` if there is one and its sha256 is pinned."""
  expected = releases.wheel_sha256(release)
  for wheel in _wheels(release, cache_dir()):
    if sha256(wheel) == expected:
      return wheel
  return None


def _keep(wheel: pathlib.Path) -> None:
  cache = cache_dir()
  # Best effort: a read-only home must not fail the build.
  with contextlib.suppress(OSError):
    cache.mkdir(parents=True, exist_ok=True)
    with wheel.open('rb') as source, tempfile.NamedTemporaryFile(
        dir=cache, suffix='.part', delete=False
    ) as partial:
      shutil.copyfileobj(source, partial)
    # Atomic, so a build running beside this one never reads half a wheel.
    os.replace(partial.name, cache / wheel.name)


def _official_name(release: str) -> str:
  return f'google_adk-{release}-py3-none-any.whl'


def download(release: str, dest: pathlib.Path) -> pathlib.Path:
  """Downloads google-adk==`release` into `dest` with pip; returns the
  verified wheel."""
  command = [
      sys.executable,
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '--dest',
      str(dest),
      f'google-adk=={release}',
  ]
  result = subprocess.run(command, capture_output=True, text=True)
  if result.returncode != 0:
    detail = '\n'.join(result.stderr.strip().splitlines()[-5:])
    raise FetchError(
        f'pip could not download google-adk {release}:\n{detail}\n'
        f'The build needs {_official_name(release)} (sha256'
        f' {releases.wheel_sha256(release)}): check the network and pip'
        ' settings, or put that wheel into'
        f' {cache_dir()} (or ${CACHE_ENV_VAR}), then build again.'
    )
  wheels = _wheels(release, dest)
  if len(wheels) != 1:
    raise FetchError(
        f'pip did not leave exactly one google-adk {release} wheel in {dest}'
    )
  verify(wheels[0], release)
  return wheels[0]


def fetch(release: str, dest: pathlib.Path) -> pathlib.Path:
  """The verified wheel of `release`: the kept one, else one downloaded into
  `dest` and kept for next time."""
  wheel = cached(release)
  if wheel is None:
    wheel = download(release, dest)
    _keep(wheel)
  return wheel
