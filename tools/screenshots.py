"""Screenshots of the main pages, desktop and phone width, Dutch and English.

    uv run python tools/screenshots.py [BASE_URL] [OUT_DIR]

Runs against a server started with `uv run qme demo`. Uses Debian's Chromium where present.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "var/screenshots")
PASSWORD = "qme-demo-2026"
CHROMIUM = "/usr/bin/chromium"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # public: see README

PAGES = {
    "office@demo.qme.example": ["/", "/organisations/", "/organisations/1/", "/people/", "/audit/"],
    "coordinator.amstelland@demo.qme.example": ["/", "/organisations/", "/people/"],
    "doctor@demo.qme.example": ["/"],
    "hospital.supervisor@demo.qme.example": ["/"],
    "university.supervisor@demo.qme.example": ["/"],
    "committee@demo.qme.example": ["/"],
    "board@demo.qme.example": ["/"],
    "trainee@demo.qme.example": ["/", "/accounts/profile/"],
    "applicant@demo.qme.example": ["/"],
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


def demo_code(email: str) -> str:
    return pyotp.TOTP(DEMO_TOTP_SECRET).now()


def sign_in(page, email: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    for _attempt in range(2):
        if "/2fa/authenticate" not in page.url:
            break
        if _attempt:  # a code is accepted once; wait for the next one
            time.sleep(31 - time.time() % 30)
        page.fill("input[name=code]", demo_code(email))
        page.click("button[type=submit]")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        kwargs = {"executable_path": CHROMIUM} if os.path.exists(CHROMIUM) else {}
        browser = p.chromium.launch(
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"], **kwargs
        )
        for language in ("nl", "en"):
            for vp_name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, locale=language)
                page = context.new_page()
                page.goto(f"{BASE}/accounts/login/")
                page.screenshot(path=OUT / f"login-{language}-{vp_name}.png", full_page=True)
                context.close()
        for email, paths in PAGES.items():
            for vp_name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                sign_in(page, email)
                for language in ("nl", "en"):
                    context.add_cookies([{"name": "qme_language", "value": language, "url": BASE}])
                    page.goto(f"{BASE}/")
                    page.locator(f".lang-switch button[value={language}]").click()
                    for path in paths:
                        page.goto(f"{BASE}{path}")
                        slug = path.strip("/").replace("/", "-") or "home"
                        who = email.split("@")[0]
                        page.screenshot(
                            path=OUT / f"{who}-{slug}-{language}-{vp_name}.png", full_page=True
                        )
                context.close()
        browser.close()
    print(f"Screenshots in {OUT}/")


if __name__ == "__main__":
    main()
