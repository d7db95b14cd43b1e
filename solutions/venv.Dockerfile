# Reference solution: a virtualenv built in the build stage and copied whole.

# TODO 1: a named build stage on a pinned official Python image
FROM python:3.11-slim AS builder

# TODO 2: system build dependencies in one RUN, without recommends, lists cleaned
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc g++ \
    && rm -rf /var/lib/apt/lists/*

# TODO 3: a virtualenv, requirements first, no pip cache
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
WORKDIR /build
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# TODO 4: a small runtime stage on the same Python
FROM python:3.11-slim AS runtime

# TODO 6: a non-root user
RUN useradd --create-home --uid 10001 appuser

# TODO 5: only the virtualenv and the app
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    MPLBACKEND=Agg
WORKDIR /app
COPY --chown=appuser:appuser app.py .

USER appuser
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/status', timeout=2)"

# TODO 7: gunicorn in exec form on all interfaces
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]
