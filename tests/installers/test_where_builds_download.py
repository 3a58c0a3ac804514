"""Where a build gets upstream's wheel, as pip and uv run it from a folder
URL: through a checkout without symbolic links, from the index set only in
the frontend's own settings, and with no index reachable.

Each test has its own empty caches, so that the build runs and downloads.
"""

import shutil
import subprocess
import sys

import pytest

from livefix import fetch
from livefix import folders
from livefix import releases
from tests.served_index import serve

from .helpers import bin_dir
from .helpers import installed
from .helpers import run

UV = (sys.executable, '-m', 'uv')
RELEASE = '1.36.1'
WHEEL = f'google_adk-{RELEASE}-py3-none-any.whl'


@pytest.fixture(autouse=True)
def own_caches(tmp_path, monkeypatch):
  monkeypatch.setenv(fetch.CACHE_ENV_VAR, str(tmp_path / 'kept'))
  monkeypatch.setenv('UV_CACHE_DIR', str(tmp_path / 'uv-cache'))
  monkeypatch.setenv('PIP_NO_CACHE_DIR', '1')
  # git as on Windows by default: links are checked out as text files.
  git_config = tmp_path / 'gitconfig'
  git_config.write_text('[core]\n\tsymlinks = false\n')
  monkeypatch.setenv('GIT_CONFIG_GLOBAL', str(git_config))
  for name in ('PIP_INDEX_URL', 'PIP_CONFIG_FILE', 'UV_DEFAULT_INDEX'):
    monkeypatch.delenv(name, raising=False)
  monkeypatch.setenv('UV_NO_CONFIG', '1')


@pytest.fixture(scope='module')
def official(tmp_path_factory):
  return fetch.download(RELEASE, tmp_path_factory.mktemp('official'))


@pytest.fixture
def mirror(official, tmp_path):
  """An index on 127.0.0.1 holding only upstream's wheel."""
  (tmp_path / 'mirror' / 'google-adk').mkdir(parents=True)
  shutil.copy(official, tmp_path / 'mirror' / 'google-adk')
  with serve(tmp_path / 'mirror') as served:
    yield served


def _build(frontend, url, tmp_path) -> subprocess.CompletedProcess:
  """pip builds the folder's wheel, or uv installs it into a new
  environment, without dependencies: only the build is under test."""
  requirement = f'google-adk @ {url}#subdirectory={folders.FOLDER}/{RELEASE}'
  if frontend == 'pip':
    command = [sys.executable, '-m', 'pip', 'wheel', '--no-deps']
    command += ['--wheel-dir', tmp_path / 'wheels', requirement]
  else:
    run(*UV, 'venv', '--quiet', '--python', sys.executable, tmp_path / 'env')
    command = [*UV, 'pip', 'install', '--no-deps', requirement]
    command += ['--python', bin_dir(tmp_path / 'env') / 'python']
  return subprocess.run(
      [str(part) for part in command], capture_output=True, text=True
  )


def _settings(setting, index, tmp_path, monkeypatch):
  """Sets `index` as the frontend's default index, one way."""
  if setting == 'PIP_CONFIG_FILE':
    (tmp_path / 'pip.conf').write_text(f'[global]\nindex-url = {index}\n')
    monkeypatch.setenv(setting, str(tmp_path / 'pip.conf'))
  elif setting == 'UV_CONFIG_FILE':
    (tmp_path / 'uv.toml').write_text(
        f'[[index]]\nurl = "{index}"\ndefault = true\n'
    )
    monkeypatch.delenv('UV_NO_CONFIG')
    monkeypatch.setenv(setting, str(tmp_path / 'uv.toml'))
  else:
    monkeypatch.setenv(setting, index)


@pytest.mark.parametrize(
    'frontend, setting',
    [
        ('pip', 'PIP_INDEX_URL'),
        ('pip', 'PIP_CONFIG_FILE'),
        ('uv', 'UV_DEFAULT_INDEX'),
        ('uv', 'UV_CONFIG_FILE'),
    ],
)
def test_the_frontends_index_serves_the_download(
    frontend, setting, url, mirror, tmp_path, monkeypatch
):
  _settings(setting, mirror.url, tmp_path, monkeypatch)

  built = _build(frontend, url, tmp_path)

  assert built.returncode == 0, built.stderr
  assert mirror.files_sent() == ['', WHEEL]
  if frontend == 'pip':
    [wheel] = (tmp_path / 'wheels').iterdir()
    assert wheel.name.startswith(f'google_adk-{releases.fork_version(RELEASE)}')
  else:
    python = bin_dir(tmp_path / 'env') / 'python'
    assert installed(python) == releases.fork_version(RELEASE)


@pytest.mark.parametrize(
    'frontend, setting', [('pip', 'PIP_INDEX_URL'), ('uv', 'UV_DEFAULT_INDEX')]
)
def test_offline_the_build_says_what_to_do(
    frontend, setting, url, tmp_path, monkeypatch
):
  # Nothing listens on port 9 (discard): as an unreachable network.
  _settings(setting, 'http://127.0.0.1:9/simple/', tmp_path, monkeypatch)

  built = _build(frontend, url, tmp_path)

  assert built.returncode != 0
  # uv wraps long lines to the terminal's width.
  output = ' '.join((built.stdout + built.stderr).split())
  assert f'could not download {WHEEL}' in output
  assert releases.WHEEL_SHA256[RELEASE] in output
  assert f'put the wheel into {tmp_path / "kept"}' in output
  assert 'Traceback' not in output
