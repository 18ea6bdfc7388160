"""Browser tests of the console: the real `trent` binary, Debian's chromium driven headless by Selenium through
chromium-driver, at a 1366x768 window. Every page a test visits is saved as a screenshot into the folder printed
at the start (TRENT_SCREENSHOTS, else a temporary folder); screenshots are not committed."""
import importlib.util
import os
import sys
import tempfile

import boto3
import pytest
from botocore.config import Config
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

# The compat suite's server launcher, loaded under its own name (both folders have a conftest module).
_spec = importlib.util.spec_from_file_location(
    "trent_compat_conftest", os.path.join(os.path.dirname(__file__), "..", "compat", "conftest.py"))
_compat = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_compat)
Trent = _compat.Trent

SHOTS = os.environ.get("TRENT_SCREENSHOTS") or tempfile.mkdtemp(prefix="trent-console-screenshots-")
os.makedirs(SHOTS, exist_ok=True)
print(f"\nconsole screenshots: {SHOTS}", file=sys.stderr)


@pytest.fixture(scope="session")
def screenshots_dir():
    return SHOTS


@pytest.fixture(scope="module")
def server():
    trent = _compat.audited_trent()
    yield trent
    trent.stop()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                     "--disable-gpu", "--no-first-run", "--disable-extensions"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


class Console:
    """A person at the console: goes to pages, fills in forms, and leaves a screenshot of every page seen."""

    def __init__(self, driver, base, name):
        self.driver = driver
        self.base = base
        self.name = name
        self.count = 0

    def shot(self, label):
        self.count += 1
        path = os.path.join(SHOTS, f"{self.name}-{self.count:02d}-{label}.png")
        self.driver.save_screenshot(path)
        return path

    def get(self, path, label=None):
        self.driver.get(self.base + path)
        self.shot(label or path.strip("/").replace("/", "_").split("?")[0] or "console")

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css, label=None):
        self.find(css).click()
        self.shot(label or css.strip("#.").replace(" ", "_")[:40])

    def type(self, css, text):
        element = self.find(css)
        element.clear()
        element.send_keys(text)

    def text(self, css="main"):
        return self.find(css).text

    def sign_in_development(self, account, region="us-east-1"):
        self.driver.delete_all_cookies()
        self.get("/console/signin", "signin")
        self.type("#account", account)
        self.select("#signin-region", region)
        self.click("#sign-in", "keys-after-signin")

    def select(self, css, value):
        from selenium.webdriver.support.ui import Select
        Select(self.find(css)).select_by_value(value)


def client(server, account, region="us-east-1"):
    return boto3.client("kms", endpoint_url=server.endpoint, region_name=region, aws_access_key_id=account,
                        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1}))
