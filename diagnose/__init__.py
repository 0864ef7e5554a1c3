"""diagnose: AI-readiness diagnosis for manufacturing SMEs.

The package is a library first (questionnaire model, responses, scoring engine, reports);
``diagnose.cli`` is a thin command line on top of it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("diagnose")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
