"""``python -m ldnderm`` runs the CLI."""

from ldnderm.cli.app import main

if __name__ == "__main__":
    main()
