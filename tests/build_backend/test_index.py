"""Tests for the wheel index: PEP 503 pages over the fork's wheels."""

import html
import subprocess
import sys

import pytest

from livefix import fetch
from livefix import index
from livefix import releases


@pytest.fixture
def built(upstream_wheel, tmp_path):
  upstream_wheel('1.36.1')  # Kept, so that each build below reads it.
  out = tmp_path / 'index'
  [wheel] = index.write(out, ['1.36.1'], tmp_path)
  return out, wheel


def test_page_links_each_wheel_with_its_hash_and_python(built):
  out, wheel = built

  page = (out / 'simple' / 'google-adk' / 'index.html').read_text()
  version = releases.fork_version('1.36.1')
  assert wheel.name == f'google_adk-{version}-py3-none-any.whl'
  href = wheel.name.replace('+', '%2B') + '#sha256=' + fetch.sha256(wheel)
  assert f'<a href="{href}" data-requires-python="&gt;=3.10">' in page
  assert html.unescape('&gt;=3.10') == index._requires_python(wheel)
  root = (out / 'simple' / 'index.html').read_text()
  assert '<a href="google-adk/">google-adk</a>' in root


def test_building_again_gives_the_same_bytes(built, tmp_path):
  out, _ = built
  before = {p: p.read_bytes() for p in out.rglob('*') if p.is_file()}

  index.write(out, ['1.36.1'], tmp_path)

  assert {p: p.read_bytes() for p in out.rglob('*') if p.is_file()} == before


def test_pip_picks_the_fork_for_a_pin_of_the_release(built, tmp_path):
  out, wheel = built
  subprocess.run(
      [
          sys.executable,
          '-m',
          'pip',
          '--isolated',
          'download',
          '--quiet',
          '--no-deps',
          '--index-url',
          (out / 'simple').as_uri(),
          '--dest',
          str(tmp_path / 'got'),
          'google-adk==1.36.1',
      ],
      check=True,
  )

  assert [p.name for p in (tmp_path / 'got').iterdir()] == [wheel.name]


def test_command_refuses_before_writing_anything(tmp_path):
  result = subprocess.run(
      [sys.executable, '-m', 'livefix', 'index', str(tmp_path / 'out')]
      + ['--upstream', '1.36.1', '1.9.0'],
      capture_output=True,
      text=True,
  )

  assert result.returncode == 1
  assert result.stderr.startswith('error: google-adk 1.9.0 is too old')
  assert not (tmp_path / 'out').exists()
