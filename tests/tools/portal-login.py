#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Log in to a captive portal as a user would (issue 13): a real browser,
# headless Chromium driven by chromedriver, opens the login page, fills in
# the portal's form and submits it, then waits for the portal's answer.
#
#   portal-login.py URL FIELD=VALUE... --expect TEXT
#
# Run it inside a PvD (mifctl run --pvd ID -- portal-login.py ...): the
# browser and its network service inherit the preload, so the page's name
# is resolved by that PvD's servers and every connection leaves through it.
# Chromium's own DNS client is switched off (getaddrinfo, hence the
# preload, is used), and so is every background service that would reach
# out on its own (updates, sync, Safe Browsing, metrics).
# Exit 0 when the answer page contains TEXT; 1 otherwise, with the reason.
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def main(argv):
    if len(argv) < 4 or "--expect" not in argv:
        print("usage: portal-login.py URL FIELD=VALUE... --expect TEXT", file=sys.stderr)
        return 2
    url = argv[1]
    i = argv.index("--expect")
    fields = [a.split("=", 1) for a in argv[2:i]]
    expect = argv[i + 1]
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="mif-chromium-")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-default-apps", "--disable-extensions",
              "--safebrowsing-disable-auto-update", "--metrics-recording-only",
              "--disable-features=AsyncDns,DnsOverHttps,OptimizationHints,MediaRouter",
              "--dns-prefetch-disable"):
        opts.add_argument(a)
    driver = None
    try:
        # PORTAL_LOGIN_LOG=FILE: chromedriver's log, for diagnosis.
        log = os.environ.get("PORTAL_LOGIN_LOG")
        service = Service("/usr/bin/chromedriver", log_path=log,
                          service_args=["--verbose"] if log else None)
        # A browser's first start on a fresh machine can be slow enough
        # for chromedriver to give up on it: one more try.
        for attempt in (1, 2):
            try:
                driver = webdriver.Chrome(service=service, options=opts)
                break
            except Exception as e:  # urllib3 errors too: chromedriver gone
                if attempt == 2:
                    raise
                print("portal-login: the browser did not start (%s), again" %
                      str(e).splitlines()[0] if str(e) else e, file=sys.stderr)
                service = Service("/usr/bin/chromedriver", log_path=log,
                                  service_args=["--verbose"] if log else None)
        driver.set_page_load_timeout(20)
        driver.get(url)
        forms = driver.find_elements(By.TAG_NAME, "form")
        if not forms:
            print("portal-login: no form on %s: %s" % (url, driver.page_source[:200]),
                  file=sys.stderr)
            return 1
        for name, value in fields:
            el = forms[0].find_element(By.NAME, name)
            if el.get_attribute("type") == "checkbox":
                if not el.is_selected():
                    el.click()
            else:
                el.clear()
                el.send_keys(value)
        forms[0].find_element(By.CSS_SELECTOR, "[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda d: expect in d.page_source)
        print("portal-login: %s -> %s" % (url, driver.current_url))
        return 0
    except Exception as e:  # selenium, urllib3: a clear line, exit 1
        print("portal-login: %s: %s" % (url, str(e).splitlines()[0] if str(e) else e),
              file=sys.stderr)
        return 1
    finally:
        if driver:
            driver.quit()
        # The browser's profile is ours to remove (nothing of a test run
        # stays behind in /tmp).
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
