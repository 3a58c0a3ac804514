"""This folder's build backend: the repository's `livefix`, two folders up."""

import pathlib

__path__ = [str(pathlib.Path(__file__).resolve().parents[3] / 'livefix')]

from . import buildapi  # What build-backend names.
