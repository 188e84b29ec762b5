from cxlint.cli import main

# Guarded: worker processes that parse pages import this module too, and must not run the CLI.
if __name__ == "__main__":
    main()
