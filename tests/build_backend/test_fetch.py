"""Tests for downloading and verifying the upstream wheel."""

import shutil

import pytest

from livefix import fetch


def test_fetches_the_pinned_wheel(upstream_wheel):
  wheel = upstream_wheel('1.39.1')

  assert wheel.name == 'google_adk-1.39.1-py3-none-any.whl'
  fetch.verify(wheel, '1.39.1')


def test_refuses_a_tampered_wheel(upstream_wheel, tmp_path, monkeypatch):
  index = tmp_path / 'index'
  index.mkdir()
  tampered = index / upstream_wheel('1.39.1').name
  shutil.copy(upstream_wheel('1.39.1'), tampered)
  with tampered.open('ab') as wheel:
    wheel.write(b'\0')
  monkeypatch.setenv('PIP_NO_INDEX', '1')
  monkeypatch.setenv('PIP_FIND_LINKS', str(index))
  (tmp_path / 'downloads').mkdir()

  with pytest.raises(fetch.FetchError) as refused:
    fetch.fetch('1.39.1', tmp_path / 'downloads')

  assert 'Refusing to build' in str(refused.value)
  assert fetch.sha256(tampered) in str(refused.value)


def test_says_what_to_do_when_the_index_is_unreachable(tmp_path, monkeypatch):
  monkeypatch.setenv('PIP_NO_INDEX', '1')
  monkeypatch.setenv('PIP_FIND_LINKS', str(tmp_path))

  with pytest.raises(fetch.FetchError) as failed:
    fetch.fetch('1.39.1', tmp_path)

  assert 'pip could not download google-adk 1.39.1' in str(failed.value)
  assert 'check the network and pip settings' in str(failed.value)
