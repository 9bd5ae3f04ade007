"""coder: qualitative coding and synthesis of Norwegian interview transcripts in the terminal."""

__version__ = "0.1.0"
