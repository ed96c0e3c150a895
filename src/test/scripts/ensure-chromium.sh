#!/usr/bin/env bash
# The browser test (HawtioBrowserTest) drives headless Chromium: install Debian's chromium and
# chromium-driver when they are missing. Run by `mvn verify` before the tests (exec-maven-plugin).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium or chromedriver missing and apt-get unusable here;" \
       "install the Debian packages chromium and chromium-driver for HawtioBrowserTest" >&2
  exit 0
fi
echo "ensure-chromium: installing chromium and chromium-driver"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
