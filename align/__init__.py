"""align: French–Arabic news articles to a scored, sentence-aligned parallel corpus."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("align")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
