from tests.benchmarks.cli import main

main()
