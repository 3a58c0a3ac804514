"""Tests for reading the index the frontend was told to use."""

import os
import sys

import pytest

from livefix import index_settings

pytestmark = pytest.mark.skipif(
    sys.platform == 'win32', reason='the files are at POSIX places here'
)

PIP = {'PIP_BUILD_TRACKER': '/tmp/tracker'}
UV = {'UV': '/usr/bin/uv'}


@pytest.fixture
def home(tmp_path):
  """An environment whose user and system configuration folders are empty
  folders of the test's own."""
  return {
      'HOME': str(tmp_path / 'home'),
      'XDG_CONFIG_HOME': str(tmp_path / 'config'),
      'XDG_CONFIG_DIRS': str(tmp_path / 'system'),
  }


def _write(path, text):
  path.parent.mkdir(parents=True, exist_ok=True)
  path.write_text(text)
  return path


def test_without_settings_it_is_the_public_index(home):
  for frontend in (PIP, UV, {}):
    assert index_settings.configured({**home, **frontend}) == (
        index_settings.Index('https://pypi.org/simple/', 'the default')
    )


def test_pip_reads_its_environment_over_its_files(home, tmp_path):
  conf = _write(
      tmp_path / 'config' / 'pip' / 'pip.conf',
      '[global]\nindex-url = https://files.example/simple\n',
  )
  environ = {**home, **PIP}

  assert index_settings.configured(environ) == index_settings.Index(
      'https://files.example/simple', str(conf)
  )
  environ['PIP_INDEX_URL'] = 'https://env.example/simple'
  assert index_settings.configured(environ) == index_settings.Index(
      'https://env.example/simple', 'PIP_INDEX_URL'
  )


def test_pip_reads_install_over_global_and_user_over_system(home, tmp_path):
  _write(
      tmp_path / 'system' / 'pip' / 'pip.conf',
      '[install]\nindex-url = https://system.example/simple\n',
  )
  user = _write(
      tmp_path / 'home' / '.pip' / 'pip.conf',
      '[global]\nindex-url = https://global.example/simple\n'
      '[install]\nindex-url = https://install.example/simple\n',
  )

  assert index_settings.configured({**home, **PIP}) == index_settings.Index(
      'https://install.example/simple', str(user)
  )


def test_pip_config_file_replaces_the_users_and_devnull_reads_none(
    home, tmp_path
):
  _write(
      tmp_path / 'config' / 'pip' / 'pip.conf',
      '[global]\nindex-url = https://user.example/simple\n',
  )
  chosen = _write(tmp_path / 'chosen.conf', '[global]\ntimeout = 60\n')

  found = index_settings.configured(
      {**home, **PIP, 'PIP_CONFIG_FILE': str(chosen)}
  )
  assert found.setting == 'the default'
  found = index_settings.configured(
      {**home, **PIP, 'PIP_CONFIG_FILE': os.devnull}
  )
  assert found.setting == 'the default'


def test_uv_reads_its_own_settings_not_pips(home, tmp_path):
  _write(
      tmp_path / 'config' / 'pip' / 'pip.conf',
      '[global]\nindex-url = https://pip.example/simple\n',
  )
  user = _write(
      tmp_path / 'config' / 'uv' / 'uv.toml',
      '[[index]]\nurl = "https://other.example/simple"\n\n'
      '[[index]]\nurl = "https://default.example/simple"\ndefault = true\n',
  )
  environ = {**home, **UV, 'PIP_INDEX_URL': 'https://pip.example/simple'}

  assert index_settings.configured(environ) == index_settings.Index(
      'https://default.example/simple', str(user)
  )
  environ['UV_INDEX_URL'] = 'https://old.example/simple'
  assert index_settings.configured(environ).setting == 'UV_INDEX_URL'
  environ['UV_DEFAULT_INDEX'] = 'https://new.example/simple'
  assert index_settings.configured(environ) == index_settings.Index(
      'https://new.example/simple', 'UV_DEFAULT_INDEX'
  )


def test_uv_config_file_replaces_discovery_and_no_config_reads_none(
    home, tmp_path
):
  _write(
      tmp_path / 'system' / 'uv' / 'uv.toml',
      'index-url = "https://system.example/simple"\n',
  )
  chosen = _write(
      tmp_path / 'chosen.toml', 'index-url = "https://chosen.example/simple"\n'
  )
  environ = {**home, **UV}

  assert index_settings.configured(environ).url == (
      'https://system.example/simple'
  )
  environ['UV_CONFIG_FILE'] = str(chosen)
  assert index_settings.configured(environ).url == (
      'https://chosen.example/simple'
  )
  del environ['UV_CONFIG_FILE']
  environ['UV_NO_CONFIG'] = '1'
  assert index_settings.configured(environ).setting == 'the default'


def test_pip_running_under_uv_run_is_pip(home):
  environ = {**home, **UV, **PIP, 'PIP_INDEX_URL': 'https://pip.example/s'}

  assert index_settings.configured(environ).setting == 'PIP_INDEX_URL'


@pytest.mark.parametrize(
    'frontend, variable',
    [(PIP, 'PIP_NO_INDEX'), (UV, 'UV_OFFLINE'), (UV, 'UV_NO_INDEX')],
)
def test_offline_settings_forbid_every_index(home, frontend, variable):
  environ = {**home, **frontend, 'PIP_INDEX_URL': 'https://a.example/simple'}
  environ['UV_DEFAULT_INDEX'] = 'https://a.example/simple'

  assert index_settings.configured({**environ, variable: 'false'}).url
  assert index_settings.configured({**environ, variable: '1'}) == (
      index_settings.Index(None, variable)
  )


def test_offline_in_a_file_forbids_every_index(home, tmp_path):
  pip_conf = _write(
      tmp_path / 'config' / 'pip' / 'pip.conf', '[install]\nno-index = yes\n'
  )
  uv_toml = _write(tmp_path / 'config' / 'uv' / 'uv.toml', 'offline = true\n')

  assert index_settings.configured({**home, **PIP}) == index_settings.Index(
      None, str(pip_conf)
  )
  assert index_settings.configured({**home, **UV}) == index_settings.Index(
      None, str(uv_toml)
  )
