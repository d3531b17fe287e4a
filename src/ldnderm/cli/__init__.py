"""The ``ldnderm`` command line: one thin module per command group over the domain core."""
