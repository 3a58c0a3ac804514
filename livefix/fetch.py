"""Downloads an official google-adk wheel with pip and verifies its sha256."""

from __future__ import annotations

import hashlib
import pathlib
import subprocess
import sys

from . import releases


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


def fetch(release: str, dest: pathlib.Path) -> pathlib.Path:
  """Downloads google-adk==`release` into `dest`; returns the verified wheel."""
  releases.wheel_sha256(release)  # Refuse an unsupported release up front.
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
        'The build needs the official wheel from your package index: check'
        ' the network and pip settings, then build again.'
    )
  wheels = list(dest.glob(f'google_adk-{release}-*.whl'))
  if len(wheels) != 1:
    raise FetchError(
        f'pip did not leave exactly one google-adk {release} wheel in {dest}'
    )
  verify(wheels[0], release)
  return wheels[0]
