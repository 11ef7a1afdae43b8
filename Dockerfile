# One image for the API and the job workers. LibreOffice renders the DOCX reports, WeasyPrint
# the HTML documents (it needs Pango and the HarfBuzz subsetter), and the fonts are installed, so
# nothing is fetched while a document renders. Tesseract reads scanned bundle pages; the URW
# fonts stand in, embedded, for the standard fonts that official forms name (PDF/A).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DOCGEN_ENVIRONMENT=production \
    DOCGEN_DATA_DIR=/var/lib/docgen

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation2 \
      libreoffice-writer-nogui python3-uno \
      qpdf poppler-utils curl \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-cym ghostscript fonts-urw-base35 \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/docgen docgen \
 && mkdir -p /var/lib/docgen && chown docgen /var/lib/docgen

WORKDIR /app
COPY pyproject.toml README.md ./
COPY docgen ./docgen
COPY api ./api
COPY templates ./templates
COPY forms ./forms
RUN pip install --no-compile .

USER docgen
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# The API by default; the worker service overrides the command (see docker-compose.yml).
CMD ["uvicorn", "api.asgi:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--proxy-headers"]
