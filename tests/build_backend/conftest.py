"""Official upstream wheels, downloaded once per test session."""

import pathlib
import zipfile

import pytest

from livefix import fetch


@pytest.fixture(scope='session')
def upstream_wheel(tmp_path_factory):
  downloads = tmp_path_factory.mktemp('upstream')
  wheels = {}

  def get(release: str) -> pathlib.Path:
    if release not in wheels:
      wheels[release] = fetch.fetch(release, downloads)
    return wheels[release]

  return get


@pytest.fixture(scope='session')
def pristine(upstream_wheel):
  """Reads a file of an upstream release by its path in the package."""

  def read(release: str, path: str) -> str:
    with zipfile.ZipFile(upstream_wheel(release)) as archive:
      return archive.read(path).decode()

  return read
