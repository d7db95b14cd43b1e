# syntax=docker/dockerfile:1
# Reference solution: `pip install --prefix=/install`, copied into /usr/local.

FROM python:3.11-slim AS compile

RUN set -e; \
    apt-get update; \
    apt-get install -y --no-install-recommends gcc g++; \
    rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM python:3.11-slim AS production

COPY --from=compile /install /usr/local

WORKDIR /app
COPY app.py ./

USER 10001:10001
EXPOSE 5000
# The image has no curl: Python's own urllib asks the app whether it is up.
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/status', timeout=2)"
CMD ["gunicorn", "-b", "0.0.0.0:5000", "-w", "2", "app:app"]
