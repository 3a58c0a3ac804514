"""The upstream releases the fork supports, and the hash of each one's wheel."""

from __future__ import annotations

import pathlib
import re

# The newest supported release: what the repository root builds.
DEFAULT = '2.13.0'
# Bumped whenever the fix changes; the `N` of `X+livefix.N`.
FIX_REVISION = 4

_TABLE = pathlib.Path(__file__).with_name('releases.txt')


class UnsupportedRelease(Exception):
  """The fork cannot be built for the requested upstream release."""


def _load() -> dict[str, str]:
  rows = (line.split() for line in _TABLE.read_text().splitlines())
  return {row[0]: row[1] for row in rows if row and not row[0].startswith('#')}


WHEEL_SHA256 = _load()
OLDEST, NEWEST = list(WHEEL_SHA256)[0], list(WHEEL_SHA256)[-1]


def release_key(release: str) -> tuple[int, ...]:
  """A release segment as PEP 440 compares it: trailing zeros do not count."""
  numbers = [int(part) for part in release.split('.')]
  while numbers and numbers[-1] == 0:
    numbers.pop()
  return tuple(numbers)


def wheel_sha256(release: str) -> str:
  """The pinned sha256 of `release`'s wheel; refuses unsupported releases."""
  if release in WHEEL_SHA256:
    return WHEEL_SHA256[release]
  # Final releases only: google-adk's supported ones are all of that form,
  # and telling them apart needs no version library.
  if not re.fullmatch(r'[0-9]+(\.[0-9]+)*', release):
    raise UnsupportedRelease(
        f'{release!r} is not a google-adk release: name one such as'
        f' {NEWEST} ({OLDEST} to {NEWEST} are supported).'
    )
  if release_key(release) < release_key(OLDEST):
    raise UnsupportedRelease(
        f'google-adk {release} is too old for this fork: the oldest supported'
        f' release is {OLDEST}, the first with the live reconnect loop.'
    )
  if release_key(release) > release_key(NEWEST):
    raise UnsupportedRelease(
        f'google-adk {release} is newer than this fork knows: the newest'
        f' supported release is {NEWEST}. Use it, or a newer fork.'
    )
  raise UnsupportedRelease(
      f'google-adk {release} is not a release: the supported releases run'
      f' from {OLDEST} to {NEWEST}; pick one of those.'
  )


def fork_version(release: str) -> str:
  """The fork's version for a supported release: `X+livefix.N`."""
  wheel_sha256(release)
  return f'{release}+livefix.{FIX_REVISION}'
