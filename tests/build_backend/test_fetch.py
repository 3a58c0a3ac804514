"""Tests for getting and verifying the upstream wheel, and for its cache."""

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


def test_fetches_the_pinned_wheel(official):
  assert official.name == 'google_adk-1.39.1-py3-none-any.whl'
  fetch.verify(official, '1.39.1')


def test_refuses_a_tampered_wheel(
    official, empty_cache, offline_index, tmp_path
):
  tampered = _tampered_copy(official, offline_index)
  (tmp_path / 'downloads').mkdir()

  with pytest.raises(fetch.FetchError) as refused:
    fetch.fetch('1.39.1', tmp_path / 'downloads')

  assert 'Refusing to build' in str(refused.value)
  assert fetch.sha256(tampered) in str(refused.value)
  assert fetch.cached('1.39.1') is None


def test_says_what_to_do_when_the_index_is_unreachable(
    empty_cache, offline_index, tmp_path
):
  with pytest.raises(fetch.FetchError) as failed:
    fetch.fetch('1.39.1', tmp_path)

  message = str(failed.value)
  assert 'pip could not download google-adk 1.39.1' in message
  assert 'check the network and pip settings' in message
  # It names the wheel to fetch by other means and where to put it.
  assert 'google_adk-1.39.1-py3-none-any.whl' in message
  assert releases.WHEEL_SHA256['1.39.1'] in message
  assert f'put that wheel into {empty_cache}' in message


def test_keeps_a_downloaded_wheel_and_then_needs_no_index(
    official, empty_cache, offline_index, tmp_path
):
  shutil.copy(official, offline_index)
  (tmp_path / 'downloads').mkdir()
  fetch.fetch('1.39.1', tmp_path / 'downloads')
  (offline_index / official.name).unlink()

  kept = fetch.fetch('1.39.1', tmp_path / 'downloads')

  assert kept.parent == empty_cache
  fetch.verify(kept, '1.39.1')


def test_downloads_again_when_the_kept_wheel_was_altered(
    official, empty_cache, offline_index, tmp_path
):
  _tampered_copy(official, empty_cache)
  shutil.copy(official, offline_index)
  (tmp_path / 'downloads').mkdir()

  wheel = fetch.fetch('1.39.1', tmp_path / 'downloads')

  fetch.verify(wheel, '1.39.1')
  assert fetch.cached('1.39.1') == empty_cache / wheel.name


def test_builds_when_the_cache_cannot_be_written(
    official, offline_index, tmp_path, monkeypatch
):
  not_a_directory = tmp_path / 'file'
  not_a_directory.write_text('')
  monkeypatch.setenv(fetch.CACHE_ENV_VAR, str(not_a_directory / 'cache'))
  shutil.copy(official, offline_index)
  (tmp_path / 'downloads').mkdir()

  wheel = fetch.fetch('1.39.1', tmp_path / 'downloads')

  assert wheel.parent == tmp_path / 'downloads'
  fetch.verify(wheel, '1.39.1')
