"""Shared by the installers' tests."""

import os
import pathlib
import subprocess

import pytest


def run(*command, **options) -> subprocess.CompletedProcess:
  """Runs `command`; on failure shows its output, then fails the test."""
  done = subprocess.run(
      [str(part) for part in command], capture_output=True, text=True, **options
  )
  if done.returncode != 0:
    pytest.fail(
        f'{" ".join(map(str, command))} exited with {done.returncode}:\n'
        f'{done.stdout[-3000:]}\n{done.stderr[-3000:]}'
    )
  return done


def bin_dir(venv: pathlib.Path) -> pathlib.Path:
  return venv / ('Scripts' if os.name == 'nt' else 'bin')


def installed(python: pathlib.Path) -> str:
  """The version of google-adk installed for `python`."""
  return run(
      python,
      '-c',
      'from importlib.metadata import version; print(version("google-adk"))',
  ).stdout.strip()
