from kgraph.cli.app import main

main()
