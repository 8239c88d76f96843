"""Take the documentation screenshots from a running Yankao (``yankao up``).

    python scripts/screenshots.py [http://127.0.0.1:8000]

Signs in as the demo officer and saves the staff home at desktop and phone width, in
Chinese and English, to docs/images/. Needs Debian's chromium at /usr/bin/chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from yankao.testing.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            for language in ("zh-hant", "en"):
                context = browser.new_context(viewport=viewport, base_url=base)
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page = context.new_page()
                page.goto("/accounts/login/")
                page.fill("#id_username", "officer")
                page.fill("#id_password", "demo")
                page.click("form.panel button[type=submit]")
                page.wait_for_url("**/staff/")
                target = OUT / f"staff-home-{name}-{language}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
