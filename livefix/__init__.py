"""Builds google-adk with the live `close()` fix from an upstream wheel."""
