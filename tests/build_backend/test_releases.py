"""Tests for which upstream releases the fork accepts."""

import pytest

from livefix import releases


def test_supports_every_affected_release():
  supported = list(releases.WHEEL_SHA256)

  assert len(supported) == 50
  assert supported[0] == '1.20.0' and supported[-1] == '2.8.0'
  assert releases.DEFAULT in supported
  assert all(len(digest) == 64 for digest in releases.WHEEL_SHA256.values())


@pytest.mark.parametrize('release', ['2.9.0', '2.13.0', '3.0.0'])
def test_refuses_fixed_release_and_says_to_install_it(release):
  with pytest.raises(releases.UnsupportedRelease) as refused:
    releases.wheel_sha256(release)

  assert 'already has this fix' in str(refused.value)
  assert f'google-adk=={release} directly' in str(refused.value)


@pytest.mark.parametrize('release', ['1.19.0', '1.27.0', '2.8.1'])
def test_refuses_unknown_release_listing_supported(release):
  with pytest.raises(releases.UnsupportedRelease) as refused:
    releases.wheel_sha256(release)

  assert 'not supported' in str(refused.value)
  assert '1.20.0' in str(refused.value) and '2.8.0' in str(refused.value)


@pytest.mark.parametrize('release', ['latest', '2.10.0rc1'])
def test_refuses_what_is_not_a_supported_release(release):
  with pytest.raises(releases.UnsupportedRelease, match=release):
    releases.wheel_sha256(release)


def test_compares_releases_as_pep_440_does():
  with pytest.raises(releases.UnsupportedRelease, match='already has'):
    releases.wheel_sha256('2.9')
  with pytest.raises(releases.UnsupportedRelease, match='not supported'):
    releases.wheel_sha256('2.8.0.1')


def test_fork_version_is_a_local_version_of_the_release():
  assert releases.fork_version('1.39.1') == '1.39.1+livefix.3'
