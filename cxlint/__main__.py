from cxlint.cli import main

main()
