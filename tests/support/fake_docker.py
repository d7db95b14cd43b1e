#!/usr/bin/env python3
"""A stand-in for the `docker` command line, for driving the tutorial's F10 comparison in a
pseudo-terminal without an engine. It answers the calls src/compare/docker.rs, build.rs and
probe.rs make, in their formats: a legacy-builder build that prints its steps, sizes and
history, and a `run` that starts a small HTTP server on a loopback port answering /status,
/info and /plot. Every call's arguments are appended to $FAKE_DOCKER_DIR/log as one JSON
line; the state (built tags, containers) lives in that folder too.

FAKE_DOCKER_SLOW=yours   the build of stagecraft-lab:yours stops after its second step for
                         ten minutes (until it is killed)
FAKE_DOCKER_NO_ENGINE=1  `docker version` says no daemon answers
"""

import hashlib
import json
import os
import re
import sys
import time

STATE = os.environ.get("FAKE_DOCKER_DIR", "/tmp/fake-docker")
MB = 1_000_000
SIZES = {"baseline": 1253 * MB, "yours": 399 * MB}
BASES = {
    "python:3.11": [("/bin/sh -c #(nop)  CMD [\"python3\"]", 0), ("", 1000 * MB)],
    "python:3.11-slim": [("/bin/sh -c #(nop)  CMD [\"python3\"]", 0), ("", 128 * MB)],
}


def log(args):
    with open(os.path.join(STATE, "log"), "a") as f:
        f.write(json.dumps(args) + "\n")


def path(*parts):
    return os.path.join(STATE, "-".join(re.sub(r"[^A-Za-z0-9_.-]", "_", p) for p in parts))


def role_of(tag):
    return "baseline" if tag.endswith(":baseline") else "yours"


def built(tag):
    return os.path.exists(path("built", tag))


def step_id(tag, n):
    return hashlib.sha256(f"{tag}/{n}".encode()).hexdigest()[:12]


def instructions(text):
    out, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1].strip() + " "
            continue
        current += stripped
        out.append(current)
        current = ""
    if current:
        out.append(current)
    return out


def say(text=""):
    print(text, flush=True)


def build(args):
    tag = args[args.index("--tag") + 1]
    role = role_of(tag)
    steps = instructions(sys.stdin.read())
    with open(path("build-pid", role), "w") as f:
        f.write(str(os.getpid()))
    froms = [s.split()[1] for s in steps if s.upper().startswith("FROM ")]
    for n, step in enumerate(steps, 1):
        say(f"Step {n}/{len(steps)} : {step}")
        time.sleep(0.1)
        if step.upper().startswith("FROM "):
            say(f" ---> {step_id('base', n)}")
            continue
        say(f" ---> Running in {step_id('container', n)}")
        if step.upper().startswith("RUN"):
            say("Collecting flask==3.0.0")
            say("Installing collected packages: flask, gunicorn")
        say(f" ---> {step_id(tag, n)}")
        with open(path("steps", role), "a") as f:
            f.write(step_id(tag, n) + "\n")
        if role == "yours" and n == 2 and os.environ.get("FAKE_DOCKER_SLOW") == "yours":
            say("Downloading a very large wheel ...")
            time.sleep(600)
    say(f"Successfully built {step_id(tag, 0)}")
    say(f"Successfully tagged {tag}")
    with open(path("built", tag), "w") as f:
        f.write(froms[-1] if froms else "scratch")
    with open(path("finished", role), "w") as f:
        f.write("yes")


def image_inspect(args):
    fmt = args[args.index("--format") + 1]
    image = args[-1]
    if image in BASES:
        found = True
    elif image.startswith("stagecraft-lab:"):
        found = built(image)
    else:
        found = re.fullmatch(r"[0-9a-f]{12}", image) is not None
    if not found:
        print(f"Error: No such image: {image}", file=sys.stderr)
        return 1
    if fmt == "{{.Id}}":
        say("sha256:" + hashlib.sha256(image.encode()).hexdigest())
    elif fmt == "{{json .Size}}":
        say(str(SIZES[role_of(image)]))
    elif fmt == "{{json .RepoTags}}":
        say("[]" if not image.startswith("stagecraft") else json.dumps([image]))
    return 0


def history(args):
    image = args[-1]
    if image in BASES:
        rows = BASES[image]
    elif built(image):
        with open(path("built", image)) as f:
            base = f.read().strip()
        own = (
            [("/bin/sh -c #(nop) COPY dir:0123 in /opt/venv", 268 * MB),
             ("/bin/sh -c useradd --create-home app", 3 * MB)]
            if role_of(image) == "yours"
            else [("/bin/sh -c pip install -r requirements.txt", 250 * MB),
                  ("/bin/sh -c apt-get update && apt-get install -y gcc g++", 3 * MB)]
        )
        rows = own + BASES.get(base, [])
    else:
        print(f"Error response from daemon: No such image: {image}", file=sys.stderr)
        return 1
    for n, (created_by, size) in enumerate(rows):
        say(json.dumps({"ID": step_id(image, 100 + n), "CreatedBy": created_by, "Size": str(size)}))
    return 0


def run(args):
    import subprocess

    name = args[args.index("--name") + 1]
    image = args[-1]
    port_file = path("port", name)
    server = subprocess.Popen(
        [sys.executable, "-S", __file__, "__serve", port_file],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 10
    while not os.path.exists(port_file) and time.time() < deadline:
        time.sleep(0.02)
    with open(path("container", name), "w") as f:
        json.dump({"pid": server.pid, "image": image}, f)
    say(hashlib.sha256(name.encode()).hexdigest())
    return 0


def container(name):
    try:
        with open(path("container", name)) as f:
            return json.load(f)
    except OSError:
        print(f"Error: No such container: {name}", file=sys.stderr)
        return None


def serve(port_file):
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            bodies = {
                "/status": ("application/json", b'{"status": "ok"}'),
                "/info": ("application/json", b'{"python": "3.11"}'),
                "/plot": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32),
            }
            if self.path not in bodies:
                self.send_error(404)
                return
            kind, body = bodies[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(httpd.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    # Never outlives a test that forgot it.
    threading.Timer(300, lambda: os._exit(0)).start()
    httpd.serve_forever()


def main():
    args = sys.argv[1:]
    if args[:1] == ["__serve"]:
        serve(args[1])
        return 0
    os.makedirs(STATE, exist_ok=True)
    log(args)
    cmd = args[0] if args else ""
    if cmd == "version":
        if os.environ.get("FAKE_DOCKER_NO_ENGINE"):
            say('{"Client":{"Version":"20.10.24"},"Server":null}')
            print("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                  "Is the docker daemon running?", file=sys.stderr)
            return 1
        say('{"Client":{"Version":"20.10.24"},"Server":{"Version":"20.10.24"}}')
        return 0
    if cmd == "build":
        build(args)
        return 0
    if args[:2] == ["image", "inspect"]:
        return image_inspect(args)
    if args[:2] == ["image", "rm"]:
        target = args[2]
        if os.path.exists(path("built", target)):
            os.remove(path("built", target))
        say(f"Untagged: {target}")
        return 0
    if cmd == "history":
        return history(args)
    if cmd == "run":
        return run(args)
    if cmd == "port":
        c = container(args[1])
        if c is None:
            return 1
        with open(path("port", args[1])) as f:
            say(f"127.0.0.1:{f.read().strip()}")
        return 0
    if cmd == "inspect":
        c = container(args[-1])
        if c is None:
            return 1
        say(json.dumps({"Status": "running", "Running": True, "ExitCode": 0, "Error": "",
                        "OOMKilled": False}))
        return 0
    if cmd == "exec":
        c = container(args[1])
        if c is None:
            return 1
        say("0" if role_of(c["image"]) == "baseline" else "1000")
        return 0
    if cmd == "logs":
        say("[INFO] Starting gunicorn 21.2.0")
        say("[INFO] Listening at: http://0.0.0.0:5000 (1)")
        return 0
    if cmd == "rm":
        name = args[-1]
        c = container(name)
        if c is None:
            return 1
        try:
            os.kill(c["pid"], 9)
        except ProcessLookupError:
            pass
        os.remove(path("container", name))
        say(name)
        return 0
    print(f"fake docker: unknown command {args}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
