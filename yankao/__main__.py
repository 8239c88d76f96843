from yankao.cli import main

raise SystemExit(main())
