from __future__ import annotations

from wasim.cli import main

raise SystemExit(main())
