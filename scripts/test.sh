#!/usr/bin/env bash
# Every test: the same database bootstrap as run.sh (a local PostGIS in .local/pg), the tools
# the tests use as real clients (GDAL's ogrinfo, Debian's chromium for the viewer page, poppler's
# pdfinfo/pdftotext/pdftoppm for notice maps) and the CJK font notice maps are set in, then
# the whole suite. Ends with the line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
eval "$(scripts/pg.sh)" || { echo "0 passed, 1 failed"; exit 1; }
export GRIDSPATIAL_DB GRIDSPATIAL_TEST_DB
missing=()
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (the OGC API, vector tile, browser and notice-map tests' real clients and font)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "${missing[@]}" >&2 || true; fi
fi
results="$root/.local/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet build GridSpatial.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
dotnet test GridSpatial.sln -c Release --no-build -nologo --blame-hang-timeout 5m --logger "trx" --results-directory "$results" "$@"
rc=$?
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("notExecuted", 0))
print(f"{p} passed, {f} failed, {s} skipped")
PY
exit $rc
