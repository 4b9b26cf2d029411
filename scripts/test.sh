#!/usr/bin/env bash
# Every test: the same database bootstrap as run.sh (a local PostGIS in .local/pg), the tools
# the tests use as real clients (GDAL's ogrinfo, Debian's chromium for the viewer page, poppler's
# pdfinfo/pdftotext/pdftoppm for notice maps) and the CJK font notice maps are set in, then
# the whole suite. Ends with the line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
#-- pg.sh's status, not eval's: a cluster that did not start (its port taken) stops the run here.
pg_env="$(scripts/pg.sh)" || { echo "0 passed, 1 failed"; exit 1; }
eval "$pg_env"
export GRIDSPATIAL_DB GRIDSPATIAL_TEST_DB
missing=()
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c "import geopandas" >/dev/null 2>&1 || missing+=(python3-geopandas)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
#-- Chinese labels and texts in the viewer's screenshots and the notice maps (without it: tofu boxes, or a 503).
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (the OGC API, vector tile, browser and notice-map tests' real clients, Chinese fonts, the independent scorer's libraries)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq "${missing[@]}" >&2 || true; fi
fi
#-- The Citus cluster (scripts/citus.sh; its build is cached in .local/citus-build), brought up
#-- beside the .NET build, after the apt installs above (one dpkg at a time): the Citus tests
#-- (Features/Citus) run on it and skip only when it cannot be built or started.
#-- GRIDSPATIAL_TEST_ON=citus runs the tests given (e.g. --filter ...) on the cluster instead.
mkdir -p "$root/.local"
scripts/citus.sh >"$root/.local/citus.env" 2>"$root/.local/citus.log" &
citus_pid=$!
#-- Stopped at the end however the run ends (the third worker of the rebalance test too), so its
#-- ports are free for the next run.
stop_citus() { wait "$citus_pid" 2>/dev/null; scripts/citus.sh stop 2>>"$root/.local/citus.log" || true; }
trap stop_citus EXIT
results="$root/.local/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet build GridSpatial.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
if wait "$citus_pid"; then
  eval "$(grep GRIDSPATIAL_CITUS_DB "$root/.local/citus.env")"
  export GRIDSPATIAL_CITUS_DB
  if [ "${GRIDSPATIAL_TEST_ON:-}" = citus ]; then export GRIDSPATIAL_TEST_DB="$GRIDSPATIAL_CITUS_DB"; fi
else
  echo "test.sh: no Citus cluster (scripts/citus.sh failed, see .local/citus.log): the Citus tests skip" >&2
  tail -3 "$root/.local/citus.log" >&2
  [ "${GRIDSPATIAL_TEST_ON:-}" = citus ] && { echo "0 passed, 1 failed"; exit 1; }
fi
#-- Building Citus may have pulled a newer PostgreSQL minor release while the test cluster ran on
#-- the older one: pg.sh restarts it on the installed binary (else plpgsql fails to load).
env -u GRIDSPATIAL_DB scripts/pg.sh >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
run() { dotnet test "$@" -c Release --no-build -nologo --blame-hang-timeout 10m --logger "trx" --results-directory "$results"; }
#-- The Citus tests' API runs as a process of its own (CitusFixture), so they share the test process.
run GridSpatial.sln "$@"; rc=$?
python3 - "$results" "$rc" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
aborted = []
for path in glob.glob(sys.argv[1] + "/*.trx"):
    summary = ET.parse(path).getroot().find(".//{*}ResultSummary")
    c = summary.find("{*}Counters") if summary is not None else None
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("total", 0)) - int(c.get("executed", 0))  # skipped tests are neither executed nor "notExecuted"
    if summary.get("outcome") not in ("Completed", "Passed", "Warning"): aborted.append(path)
# A test host that crashed or hung leaves its unfinished tests uncounted: the run failed all the same.
if (aborted or sys.argv[2] != "0") and f == 0:
    print(f"test.sh: the test run ended with exit code {sys.argv[2]} ({len(aborted)} run(s) not completed): counted as a failure", file=sys.stderr)
    f = max(1, len(aborted))
print(f"{p} passed, {f} failed, {s} skipped")
PY
exit $rc
