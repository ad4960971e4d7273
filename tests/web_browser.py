"""The web page (web/) in a real headless Chromium: a localhost server for the
checkout and a browser driven by selenium, for tests/test_web.py and for
`make figures` (python tests/web_browser.py figures/web.png: the README's
screenshot of the page).

Selenium drives Debian's chromium through Debian's chromedriver
(/usr/bin/chromedriver), so nothing is downloaded when the tests run; it is a
test-only dependency (pyproject's test extra). It was chosen over a hand-written
DevTools client because the tests need its waits, form input and console log,
which a small CDP client would have to re-implement.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Debian's packages (apt-get install chromium chromium-driver; .ci/run installs them).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

#: The flags that keep a headless Chromium quiet on a machine without a network or a display.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
         "--window-size=1400,1500", "--force-device-scale-factor=1"]


def missing() -> str:
    """What is missing to run the page in a browser, or ""."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).is_file():
            return f"{path} is missing (apt-get install {package})"
    return ""


class Server:
    """The checkout served over http on 127.0.0.1 at a free port, in a thread."""

    def __init__(self) -> None:
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

        handler = functools.partial(Quiet, directory=str(ROOT))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/web/index.html"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def start_browser():
    """A headless Chromium with a fresh profile and its console log kept."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="pyhh-chromium-")
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.profile_folder = profile
    return driver


def stop_browser(driver) -> None:
    driver.quit()
    shutil.rmtree(driver.profile_folder, ignore_errors=True)


def open_page(driver, url: str, timeout: float = 30.0) -> None:
    """Load the page at url (a fresh load, also when only the fragment differs) and wait until it has drawn."""
    driver.get("about:blank")
    driver.get(url)
    wait_until(driver, "return window.pyhhPage !== undefined && window.pyhhPage.ready === true", timeout)


def wait_until(driver, script: str, timeout: float = 30.0):
    """Poll the page until script returns something true; return it."""
    end = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > end:
            raise TimeoutError(f"the page never satisfied: {script}")
        time.sleep(0.05)


def screenshot(driver, path: Path) -> None:
    """The page's top (controls and plots), as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/web_browser.py OUT.png", file=sys.stderr)
        return 2
    problem = missing()
    if problem:
        print(f"cannot draw the page's screenshot: {problem}", file=sys.stderr)
        return 1
    server = Server()
    driver = start_browser()
    try:
        open_page(driver, server.url + "#preset=demo")
        screenshot(driver, Path(argv[0]))
    finally:
        stop_browser(driver)
        server.close()
    print(f"wrote {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
