"""``python -m ldnderm`` runs the CLI."""

from ldnderm.cli.entry import main

if __name__ == "__main__":
    main()
