"""Entry point for ``python -m coder``."""

from coder.cli import main

if __name__ == "__main__":
    main()
