"""Tests for getting and verifying the upstream wheel, and for its cache."""

import os
import shutil

import pytest

from livefix import fetch
from livefix import releases


def _tampered_copy(wheel, directory):
  directory.mkdir(exist_ok=True)
  tampered = directory / wheel.name
  shutil.copy(wheel, tampered)
  with tampered.open('ab') as file:
    file.write(b'\0')
  return tampered


def _offer(wheel, index):
  shutil.copy(wheel, index.directory / 'google-adk')


def test_fetches_the_pinned_wheel(official):
  assert official.name == 'google_adk-1.39.1-py3-none-any.whl'
  fetch.verify(official, '1.39.1')


def test_downloads_from_the_index_the_frontend_names(
    official, empty_cache, local_index, tmp_path
):
  _offer(official, local_index)

  wheel = fetch.fetch('1.39.1', tmp_path / 'downloads')

  fetch.verify(wheel, '1.39.1')
  assert local_index.files_sent() == ['', official.name]


def test_sends_the_index_urls_credentials_to_its_host_only(
    official, empty_cache, local_index, tmp_path, monkeypatch
):
  _offer(official, local_index)
  with_credentials = local_index.url.replace('//', '//user:s%3Acret@')
  monkeypatch.setenv('PIP_INDEX_URL', with_credentials)

  fetch.fetch('1.39.1', tmp_path / 'downloads')

  # Basic base64('user:s:cret')
  assert [auth for _, auth in local_index.requests] == [
      'Basic dXNlcjpzOmNyZXQ=',
      'Basic dXNlcjpzOmNyZXQ=',
  ]


def test_refuses_a_tampered_wheel(official, empty_cache, local_index, tmp_path):
  tampered = _tampered_copy(official, local_index.directory / 'google-adk')

  with pytest.raises(fetch.FetchError) as refused:
    fetch.fetch('1.39.1', tmp_path / 'downloads')

  assert 'Refusing to build' in str(refused.value)
  assert fetch.sha256(tampered) in str(refused.value)
  assert fetch.cached('1.39.1') is None


@pytest.mark.parametrize(
    'index, reason',
    [
        ('http://127.0.0.1:9/simple/', 'Connection refused'),
        (None, 'does not list google_adk-1.39.1-py3-none-any.whl'),
    ],
    ids=['unreachable', 'not listed'],
)
def test_says_what_to_do_when_the_wheel_cannot_be_had(
    index, reason, empty_cache, local_index, tmp_path, monkeypatch
):
  if index:
    monkeypatch.setenv('PIP_INDEX_URL', index)

  with pytest.raises(fetch.FetchError) as failed:
    fetch.fetch('1.39.1', tmp_path)

  message = str(failed.value)
  assert '\n' not in message
  assert 'set by PIP_INDEX_URL' in message
  assert reason in message
  # It names the wheel to fetch by other means and where to put it.
  assert 'google_adk-1.39.1-py3-none-any.whl' in message
  assert releases.WHEEL_SHA256['1.39.1'] in message
  assert f'put the wheel into {empty_cache}' in message


def test_an_offline_setting_leaves_the_index_alone(
    empty_cache, local_index, tmp_path, monkeypatch
):
  monkeypatch.setenv('PIP_NO_INDEX', '1')

  with pytest.raises(fetch.FetchError) as failed:
    fetch.fetch('1.39.1', tmp_path)

  assert str(failed.value).startswith(
      'PIP_NO_INDEX forbids downloading google_adk-1.39.1-py3-none-any.whl.'
  )
  assert f'put the wheel into {empty_cache}' in str(failed.value)
  assert local_index.requests == []


def test_keeps_a_downloaded_wheel_and_then_needs_no_index(
    official, empty_cache, local_index, tmp_path
):
  _offer(official, local_index)
  fetch.fetch('1.39.1', tmp_path / 'downloads')
  (local_index.directory / 'google-adk' / official.name).unlink()

  kept = fetch.fetch('1.39.1', tmp_path / 'downloads')

  assert kept.parent == empty_cache
  fetch.verify(kept, '1.39.1')


def test_keeps_wheels_with_the_mode_the_umask_gives(
    official, empty_cache, local_index, tmp_path
):
  _offer(official, local_index)
  umask = os.umask(0o022)
  try:
    fetch.fetch('1.39.1', tmp_path / 'downloads')
  finally:
    os.umask(umask)

  (kept,) = empty_cache.iterdir()
  assert kept.stat().st_mode & 0o777 == 0o644


def test_downloads_again_when_the_kept_wheel_was_altered(
    official, empty_cache, local_index, tmp_path
):
  _tampered_copy(official, empty_cache)
  _offer(official, local_index)

  wheel = fetch.fetch('1.39.1', tmp_path / 'downloads')

  fetch.verify(wheel, '1.39.1')
  assert fetch.cached('1.39.1') == empty_cache / wheel.name


def test_an_unreadable_kept_wheel_counts_as_not_kept(
    official, empty_cache, local_index, tmp_path
):
  # A folder in its place: reading fails for every user, root included,
  # as a wheel kept by another user with mode 0600 fails for the rest.
  (empty_cache / official.name).mkdir(parents=True)
  _offer(official, local_index)

  wheel = fetch.fetch('1.39.1', tmp_path / 'downloads')

  fetch.verify(wheel, '1.39.1')
  assert local_index.files_sent()[-1] == official.name


def test_builds_when_the_cache_cannot_be_written(
    official, local_index, tmp_path, monkeypatch
):
  not_a_directory = tmp_path / 'file'
  not_a_directory.write_text('')
  monkeypatch.setenv(fetch.CACHE_ENV_VAR, str(not_a_directory / 'cache'))
  _offer(official, local_index)

  wheel = fetch.fetch('1.39.1', tmp_path / 'downloads')

  assert wheel.parent == tmp_path / 'downloads'
  fetch.verify(wheel, '1.39.1')
