from flowsuite.cli import main

main()
