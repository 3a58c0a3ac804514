"""A repository to install from, empty caches, and a served wheel index."""

import pathlib
import shutil
import sys

import pytest

from tests.served_index import serve

from .helpers import bin_dir
from .helpers import run

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope='session', autouse=True)
def empty_caches(tmp_path_factory):
  """pip's, uv's and the backend's caches, empty at the start of the run and
  shared by its tests, as on a fresh machine."""
  caches = tmp_path_factory.mktemp('caches')
  with pytest.MonkeyPatch.context() as patch:
    patch.setenv('PIP_CACHE_DIR', str(caches / 'pip'))
    patch.setenv('UV_CACHE_DIR', str(caches / 'uv'))
    patch.setenv('GOOGLE_ADK_LIVEFIX_CACHE', str(caches / 'livefix'))
    patch.setenv('PIP_DISABLE_PIP_VERSION_CHECK', '1')
    # Byte-compiling 150 packages is pip's work, the same for stock, and
    # two fifths of a pip install's time here; uv does not compile either.
    patch.setenv('PIP_COMPILE', '0')
    # nox's, which would send uv sync into the session's own environment.
    patch.delenv('UV_PROJECT_ENVIRONMENT', raising=False)
    patch.delenv('VIRTUAL_ENV', raising=False)
    yield


@pytest.fixture(scope='session')
def repository(tmp_path_factory) -> pathlib.Path:
  """A git repository of this working tree's files, one commit deep."""
  repo = tmp_path_factory.mktemp('repository')
  listed = run(
      'git',
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
      cwd=ROOT,
  ).stdout.split('\0')
  for name in filter(None, listed):
    source = ROOT / name
    if source.is_symlink() or source.is_file():
      (repo / name).parent.mkdir(parents=True, exist_ok=True)
      shutil.copy2(source, repo / name, follow_symlinks=False)
  git = ['git', '-c', 'user.name=t', '-c', 'user.email=t@t']
  run(*git, 'init', '--quiet', cwd=repo)
  run(*git, 'add', '--all', cwd=repo)
  run(*git, 'commit', '--quiet', '--message', 'snapshot', cwd=repo)
  return repo


@pytest.fixture(scope='session')
def url(repository) -> str:
  """The repository as a pip and uv VCS URL."""
  return f'git+{repository.as_uri()}'


@pytest.fixture(scope='session')
def served_index(repository, tmp_path_factory):
  """The wheel index of 1.36.1, built by the repository's own command and
  served on 127.0.0.1; yields the URL of its simple/ page."""
  out = tmp_path_factory.mktemp('index')
  run(
      sys.executable,
      '-m',
      'livefix',
      'index',
      out,
      '--upstream',
      '1.36.1',
      cwd=repository,
  )
  with serve(out) as served:
    yield f'{served.url}simple/'


@pytest.fixture
def new_venv(tmp_path):
  """Makes a virtual environment with pip; returns its python."""

  def make(name: str) -> pathlib.Path:
    run(
        sys.executable,
        '-m',
        'uv',
        'venv',
        '--quiet',
        '--seed',
        '--python',
        sys.executable,
        tmp_path / name,
    )
    return bin_dir(tmp_path / name) / 'python'

  return make
