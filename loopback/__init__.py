"""A loopback Gemini Live endpoint."""
