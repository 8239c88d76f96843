"""A backup taken while another thread writes, in a process of its own on a SQLite file in
WAL mode (as `yankao up` runs it): ``python -m yankao.backups.tests.drill --data DIR``.
Prints JSON: the writes acknowledged before the backup began, all acknowledged writes and
the backup folder. The SQLite test database of the suite lives in memory, where a reader
and a writer lock each other's tables; a real data folder does not."""

from __future__ import annotations

import json
import os
import sys
import threading


def main() -> None:
    os.environ["YANKAO_DATA_DIR"] = sys.argv[sys.argv.index("--data") + 1]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")
    import django

    django.setup()
    from yankao.backups import services
    from yankao.backups.tests.test_backups import Writer

    writer = Writer()
    writer.start()
    while len(writer.acknowledged) < 20 and writer.is_alive():
        threading.Event().wait(0.01)
    before = list(writer.acknowledged)
    result = services.backup_create(to=os.path.join(os.environ["YANKAO_DATA_DIR"], "backups"))
    during = len(writer.acknowledged)
    writer.stop.set()
    writer.join(timeout=60)
    print(json.dumps({"before": before, "during": during, "all": writer.acknowledged,
                      "error": str(writer.error or ""), "backup": str(result.path)}))


if __name__ == "__main__":
    main()
