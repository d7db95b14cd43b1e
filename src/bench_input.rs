//! Inputs shared by the benchmarks and their sanity tests.

/// A generated Dockerfile of about `lines` lines: many stages, each with the instructions a
/// real file has (continuations, apt, pip, COPY --from, users), so every rule does work.
pub fn large_dockerfile(lines: usize) -> String {
    let mut out = String::from("# syntax=docker/dockerfile:1\nARG PY=3.11\n");
    let mut stage = 0;
    while out.lines().count() < lines {
        let name = format!("stage{stage}");
        out.push_str(&format!("FROM python:${{PY}}-slim AS {name}\n"));
        out.push_str("RUN apt-get update \\\n    # build tools\n    && apt-get install -y --no-install-recommends gcc g++ \\\n    && rm -rf /var/lib/apt/lists/*\n");
        out.push_str("RUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nWORKDIR /build\nCOPY requirements.txt .\n");
        out.push_str("RUN pip install --no-cache-dir -r requirements.txt && echo 'done; really' | tee /tmp/log\n");
        if stage > 0 {
            out.push_str(&format!(
                "COPY --from=stage{} /opt/venv /opt/venv\n",
                stage - 1
            ));
        }
        out.push_str("RUN useradd --create-home appuser\nUSER appuser\nEXPOSE 5000\n");
        stage += 1;
    }
    out.push_str("FROM python:3.11-slim AS runtime\nCOPY --from=stage0 /opt/venv /opt/venv\nCOPY app.py .\nUSER 10001\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]\n");
    out
}

/// The adversarial case of issue 11: a Dockerfile whose runtime image name is one word of
/// about `bytes` bytes, so every message that names it carries the whole word.
pub fn huge_word_dockerfile(bytes: usize) -> String {
    format!(
        "FROM python:3.11-slim AS builder\nRUN pip install --no-cache-dir -r requirements.txt\nFROM {}\nCMD [\"gunicorn\", \"app:app\"]\n",
        "a".repeat(bytes)
    )
}
