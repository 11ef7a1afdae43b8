#!/usr/bin/env bash
# Installs everything docgen needs on a fresh Debian machine: system packages (LibreOffice,
# Redis, Chromium, qpdf, poppler, HarfBuzz subsetter, fonts), a virtualenv and the Python packages.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint; without the subsetter each PDF costs ~0.2 s more
  fonts-dejavu-core fonts-liberation2                      # fonts, installed not fetched
  libreoffice-writer-nogui                                 # DOCX -> PDF, kept warm per worker
  bubblewrap                                               # LibreOffice runs with no network and only its own folder
  python3-uno                                              # UNO bridge for the warm LibreOffice worker (runs under /usr/bin/python3)
  redis-server                                             # Celery broker in tests and production
  chromium chromium-driver                                 # the web pages, tested in a real browser
  postgresql                                               # the register on PostgreSQL, tested as production runs it
  qpdf poppler-utils                                       # bundle benchmark floor; pdftoppm, pdftotext (test oracle)
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-cym        # OCR of scanned bundle pages, English and Welsh
  ghostscript                                              # OCRmyPDF's rasteriser
  fonts-urw-base35                                         # metric-compatible standard fonts embedded for PDF/A
  softhsm2                                                 # a real PKCS#11 token for the signing tests
  mupdf-tools                                              # mutool: a second renderer for the official forms' page images
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  [[ "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.docgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages"
  .venv/bin/pip install -q --upgrade pip 2>&1 | grep -v '^WARNING' || true
  .venv/bin/pip install -q -e '.[dev]' 2>&1 | grep -v '^WARNING' || true
  .venv/bin/python -c "import docgen, weasyprint, pypdf, docxtpl, celery, fastapi, minio" 
  touch "$stamp"
fi

# openapi-python-client, in a virtualenv of its own (its pins are not the service's): the tests
# generate a client from the API's schema with it and use it against the running service
TOOLS=.venv/tools/openapi
if [ ! -x "$TOOLS/bin/openapi-python-client" ]; then
  echo "setup: installing openapi-python-client"
  "$PYTHON" -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q "openapi-python-client==0.29.1" 2>&1 | grep -v '^WARNING' || true
fi
