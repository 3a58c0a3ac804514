"""Official upstream wheels and sdists."""

import pathlib
import subprocess
import sys
import tarfile
import zipfile

import pytest

from livefix import fetch
from tests.served_index import serve


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
def official(upstream_wheel):
  """The official wheel of 1.39.1. Session-scoped, so it is fetched before a
  test's own fixtures point pip or the cache elsewhere."""
  return upstream_wheel('1.39.1')


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
  """Points the cache of verified wheels at an empty directory."""
  cache = tmp_path / 'cache'
  monkeypatch.setenv(fetch.CACHE_ENV_VAR, str(cache))
  return cache


@pytest.fixture
def local_index(tmp_path, monkeypatch):
  """A package index on 127.0.0.1, set as pip's (PIP_INDEX_URL), with no
  files at first."""
  root = tmp_path / 'index'
  (root / 'google-adk').mkdir(parents=True)
  # The build's own frontend settings would name another index.
  for name in ('UV', 'UV_DEFAULT_INDEX', 'UV_INDEX_URL', 'PIP_BUILD_TRACKER'):
    monkeypatch.delenv(name, raising=False)
  with serve(root) as served:
    monkeypatch.setenv('PIP_INDEX_URL', served.url)
    yield served


@pytest.fixture
def no_index(monkeypatch):
  """Forbids pip, and the builds it runs, every index."""
  monkeypatch.setenv('PIP_NO_INDEX', '1')


@pytest.fixture(scope='session')
def pristine(upstream_wheel):
  """Reads a file of an upstream release by its path in the package."""

  def read(release: str, path: str) -> str:
    with zipfile.ZipFile(upstream_wheel(release)) as archive:
      return archive.read(path).decode()

  return read


@pytest.fixture(scope='session')
def upstream_sdist(tmp_path_factory):
  downloads = tmp_path_factory.mktemp('sdists')
  sdists = {}

  def get(release: str) -> pathlib.Path:
    if release not in sdists:
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
      sdists[release] = downloads / f'google_adk-{release}.tar.gz'
    return sdists[release]

  return get


@pytest.fixture
def sdist_tree(upstream_sdist, tmp_path):
  """Unpacks a release's upstream sdist: a source tree like a checkout's."""

  def unpack(release: str) -> pathlib.Path:
    with tarfile.open(upstream_sdist(release)) as sdist:
      sdist.extractall(tmp_path, filter='data')
    return tmp_path / f'google_adk-{release}'

  return unpack
