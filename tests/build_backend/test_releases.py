"""Tests for which upstream releases the fork accepts."""

import pytest

from livefix import releases


def test_supports_every_release_with_the_reconnect_loop():
  supported = list(releases.WHEEL_SHA256)

  assert len(supported) == 69
  assert supported[0] == '1.10.0' and supported[-1] == '2.13.0'
  assert '2.9.0' in supported and '1.19.0' in supported
  assert releases.DEFAULT == releases.NEWEST == '2.13.0'
  assert all(len(digest) == 64 for digest in releases.WHEEL_SHA256.values())
  assert supported == sorted(supported, key=releases.release_key)


@pytest.mark.parametrize('release', ['1.9.0', '0.1', '1.9.9.9'])
def test_refuses_a_release_without_the_reconnect_loop(release):
  with pytest.raises(releases.UnsupportedRelease) as refused:
    releases.wheel_sha256(release)

  assert str(refused.value) == (
      f'google-adk {release} is too old for this fork: the oldest supported'
      ' release is 1.10.0, the first with the live reconnect loop.'
  )


@pytest.mark.parametrize('release', ['2.13.1', '2.14', '3.0.0', '2.13.0.1'])
def test_refuses_a_release_newer_than_it_knows(release):
  with pytest.raises(releases.UnsupportedRelease) as refused:
    releases.wheel_sha256(release)

  assert str(refused.value) == (
      f'google-adk {release} is newer than this fork knows: the newest'
      ' supported release is 2.13.0. Use it, or a newer fork.'
  )


@pytest.mark.parametrize('release', ['1.19.5', '1.27.0', '2.8.1', '2.8.0.1'])
def test_refuses_a_release_that_does_not_exist(release):
  with pytest.raises(releases.UnsupportedRelease) as refused:
    releases.wheel_sha256(release)

  assert str(refused.value) == (
      f'google-adk {release} is not a release: the supported releases run'
      ' from 1.10.0 to 2.13.0; pick one of those.'
  )


@pytest.mark.parametrize('release', ['latest', '2.10.0rc1', ''])
def test_refuses_what_is_not_a_release_name(release):
  with pytest.raises(releases.UnsupportedRelease) as refused:
    releases.wheel_sha256(release)

  assert str(refused.value) == (
      f'{release!r} is not a google-adk release: name one such as 2.13.0'
      ' (1.10.0 to 2.13.0 are supported).'
  )


def test_compares_releases_as_pep_440_does():
  assert releases.release_key('2.9') == releases.release_key('2.9.0.0')
  assert releases.release_key('1.10.0') > releases.release_key('1.9.9')
  assert releases.release_key('2.10.0') > releases.release_key('2.9.2')


def test_fork_version_is_a_local_version_of_the_release():
  assert releases.fork_version('1.39.1') == '1.39.1+livefix.4'
  assert releases.fork_version('2.13.0') == '2.13.0+livefix.4'
