"""The exercise's Flask app, tested for real: Flask's test client, then gunicorn over HTTP.

Run by .ci/run in a virtualenv with starter/requirements.txt installed:
    python -m unittest discover -s tests/app -v
"""

import glob
import json
import os
import re
import socket
import subprocess
import sys
import time
import unittest
import urllib.request

STARTER = os.path.join(os.path.dirname(__file__), "..", "..", "starter")
SOLUTIONS = os.path.join(os.path.dirname(__file__), "..", "..", "solutions")
sys.dont_write_bytecode = True  # keep starter/ clean: it is embedded in the binary
sys.path.insert(0, STARTER)

import app as exercise  # noqa: E402


class TestClient(unittest.TestCase):
    def setUp(self):
        self.client = exercise.app.test_client()

    def test_status(self):
        r = self.client.get("/status")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.get_json(), {"status": "ok"})

    def test_info(self):
        info = self.client.get("/info").get_json()
        for key in ("python", "pandas", "matplotlib", "numpy"):
            self.assertTrue(info[key], key)
        self.assertEqual(info["dataframe"]["rows"], 100)
        self.assertEqual(info["dataframe"]["columns"], ["x", "temperature", "humidity"])
        self.assertIn("mean", info["dataframe"]["summary"]["temperature"])

    def test_plot_is_a_png(self):
        r = self.client.get("/plot")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.mimetype, "image/png")
        self.assertTrue(r.data.startswith(b"\x89PNG\r\n\x1a\n"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthchecks():
    """Each reference solution's HEALTHCHECK command (shell form), by file name."""
    found = {}
    for path in sorted(glob.glob(os.path.join(SOLUTIONS, "*.Dockerfile"))):
        with open(path) as f:
            for line in f:
                m = re.match(r"HEALTHCHECK\s+(?:--\S+\s+)*CMD\s+(.*)", line)
                if m:
                    found[os.path.basename(path)] = m.group(1).strip()
    return found


class TestGunicorn(unittest.TestCase):
    def start(self):
        port = free_port()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        proc = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "app:app"],
            cwd=STARTER,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as r:
                    self.assertEqual(r.status, 200)
                    self.assertEqual(json.load(r), {"status": "ok"})
                    return proc, port
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    proc.kill()
                    raise
                time.sleep(0.25)

    def test_status_over_http(self):
        proc, _ = self.start()
        proc.terminate()
        proc.wait(timeout=30)

    def test_every_solution_has_a_healthcheck_that_tells_up_from_down(self):
        """Run as Docker runs a shell-form HEALTHCHECK (`/bin/sh -c`), with this Python
        standing in for the image's `python` (python:3.11-slim has no curl)."""
        checks = healthchecks()
        self.assertEqual(
            sorted(checks),
            sorted(os.path.basename(p) for p in glob.glob(os.path.join(SOLUTIONS, "*.Dockerfile"))),
        )
        proc, port = self.start()

        def run(command):
            local = re.sub(r"^python\b", sys.executable, command).replace(":5000/", f":{port}/")
            return subprocess.run(["/bin/sh", "-c", local], capture_output=True, timeout=30).returncode

        try:
            for name, command in checks.items():
                self.assertEqual(run(command), 0, f"{name}: {command}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        for name, command in checks.items():
            self.assertNotEqual(run(command), 0, f"{name} must fail with the app down")


if __name__ == "__main__":
    unittest.main()
