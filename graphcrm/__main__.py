"""``python -m graphcrm``: the same as the ``graphcrm`` command."""

from graphcrm.cli import main

if __name__ == "__main__":
    main()
