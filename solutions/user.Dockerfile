# Reference solution: `pip install --user`, copying the user base (/root/.local).

FROM python:3.11-slim-bookworm AS build-deps

RUN apt-get update && \
    apt-get install --yes --no-install-recommends gcc g++ && \
    rm -rf /var/lib/apt/lists/*

ENV PIP_NO_CACHE_DIR=1
COPY requirements.txt /tmp/requirements.txt
RUN pip install --user -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm

RUN groupadd --system app && useradd --system --gid app --create-home app

COPY --from=build-deps --chown=app:app /root/.local /home/app/.local
ENV PATH=/home/app/.local/bin:$PATH

WORKDIR /home/app/service
COPY --chown=app:app app.py .

USER app
EXPOSE 5000
# The image has no curl: Python's own urllib asks the app whether it is up.
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/status', timeout=2)"
ENTRYPOINT ["gunicorn"]
CMD ["-b", "0.0.0.0:5000", "app:app"]
