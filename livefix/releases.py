"""The upstream releases the fork supports, and the hash of each one's wheel."""

from __future__ import annotations

import pathlib
import re

DEFAULT = '1.39.1'
# Upstream's own fix: from this release on there is nothing to carry.
FIXED_IN = '2.9.0'
# Bumped whenever the fix changes; the `N` of `X+livefix.N`.
FIX_REVISION = 3

_TABLE = pathlib.Path(__file__).with_name('releases.txt')


class UnsupportedRelease(Exception):
  """The fork cannot be built for the requested upstream release."""


def _load() -> dict[str, str]:
  rows = (line.split() for line in _TABLE.read_text().splitlines())
  return {row[0]: row[1] for row in rows if row and not row[0].startswith('#')}


WHEEL_SHA256 = _load()


def _release_key(release: str) -> tuple[int, ...]:
  """A release segment as PEP 440 compares it: trailing zeros do not count."""
  numbers = [int(part) for part in release.split('.')]
  while numbers and numbers[-1] == 0:
    numbers.pop()
  return tuple(numbers)


def wheel_sha256(release: str) -> str:
  """The pinned sha256 of `release`'s wheel; refuses unsupported releases."""
  if release in WHEEL_SHA256:
    return WHEEL_SHA256[release]
  supported = ', '.join(WHEEL_SHA256)
  # Final releases only: google-adk's supported ones are all of that form,
  # and telling them apart needs no version library.
  if not re.fullmatch(r'[0-9]+(\.[0-9]+)*', release):
    raise UnsupportedRelease(
        f'{release!r} is not a google-adk release this fork supports.'
        f' Supported: {supported}'
    )
  if _release_key(release) >= _release_key(FIXED_IN):
    raise UnsupportedRelease(
        f'google-adk {release} already has this fix: upstream fixed it in'
        f' {FIXED_IN}. Install google-adk=={release} directly instead of'
        ' this fork.'
    )
  raise UnsupportedRelease(
      f'google-adk {release} is not supported by this fork. Supported'
      f' releases: {supported}'
  )


def fork_version(release: str) -> str:
  """The fork's version for a supported release: `X+livefix.N`."""
  wheel_sha256(release)
  return f'{release}+livefix.{FIX_REVISION}'
