"""ldnderm: a clinical toolkit for naltrexone therapy in dermatology.

The package is a pure domain core (``measures``, ``knowledge``, ``safety``, ``dosing``) with thin
doors onto it: the Typer CLI (``ldnderm.cli``) and the Django site (``ldnderm.web``, the only
place Django is imported). Imports here stay light so that ``ldnderm --version`` starts fast.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
