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

/// Adversarial shapes for the growth benchmark: each makes a Dockerfile of about `n` units
/// of one pattern that once cost more than linear time or memory.
/// A named generator of Dockerfile text of size n.
pub type Shape = (&'static str, fn(usize) -> String);

pub const SHAPES: &[Shape] = &[
    ("chained stages inheriting installs", chained_stages),
    ("global ARGs x FROMs", args_times_froms),
    ("FROM a AS b repeated", aliases),
    ("one long image name", long_word),
    ("ENV x child stages", env_times_children),
    ("ENV PATH growing", path_growth),
    ("COPY --from a deep stage", copies_from_deep_stage),
    ("one RUN of many commands", long_run),
    ("broken lines", broken_lines),
    ("comments in many scripts", unicode_comments),
];

pub fn chained_stages(n: usize) -> String {
    let mut t = String::from("FROM python:3.11-slim AS s0\n");
    for i in 1..n {
        t.push_str(&format!(
            "FROM s{} AS s{i}\nRUN apt-get install -y p{i} && pip install q{i}\n",
            i - 1
        ));
    }
    t
}

pub fn args_times_froms(n: usize) -> String {
    let mut t = String::new();
    for i in 0..n {
        t.push_str(&format!("ARG A{i}=python\n"));
    }
    for i in 0..n {
        t.push_str(&format!("FROM ${{A{i}}}:3.11\n"));
    }
    t
}

pub fn aliases(n: usize) -> String {
    (0..n).map(|_| "FROM a AS b\n").collect()
}

pub fn long_word(n: usize) -> String {
    format!(
        "FROM python:3.11 AS builder\nFROM {}\nCOPY --from=builder /opt/{} /x\n",
        "p".repeat(n),
        "q".repeat(n)
    )
}

pub fn env_times_children(n: usize) -> String {
    let mut t = String::from("FROM python:3.11-slim AS base\n");
    for i in 0..n {
        t.push_str(&format!("ENV K{i}=v{i}\n"));
    }
    for i in 0..n {
        t.push_str(&format!(
            "FROM base AS c{i}\nENV C{i}=1\nRUN pip install x\n"
        ));
    }
    t
}

pub fn path_growth(n: usize) -> String {
    let mut t = String::from("FROM python:3.11-slim\n");
    for i in 0..n {
        t.push_str(&format!("ENV PATH=/p{i}/bin:$PATH\nRUN pip install x\n"));
    }
    t
}

pub fn copies_from_deep_stage(n: usize) -> String {
    let mut t = String::from("FROM python:3.11 AS s0\n");
    for i in 1..n {
        t.push_str(&format!(
            "FROM s{} AS s{i}\nRUN python -m venv /v{i} && pip install --prefix=/p{i} x\n",
            i - 1
        ));
    }
    t.push_str("FROM python:3.11-slim\n");
    for i in 0..n {
        t.push_str(&format!("COPY --from=s{} /o{i} /o{i}\n", n - 1));
    }
    t
}

pub fn long_run(n: usize) -> String {
    let mut t = String::from("FROM python:3.11\nRUN true");
    for i in 0..n {
        t.push_str(&format!(
            " \\\n && apt-get install -y p{i} && pip install \"q{i}\" $(x{i})"
        ));
    }
    t.push('\n');
    t
}

pub fn broken_lines(n: usize) -> String {
    let mut t = String::from("FROM python:3.11-slim AS b\n");
    for _ in 0..n {
        t.push_str("FR x\nCMD ['a', \nCOPY --from=\n");
    }
    t
}

pub fn unicode_comments(n: usize) -> String {
    let mut t = String::from("FROM python:3.11-slim AS 構築\n");
    for i in 0..n {
        t.push_str(&format!(
            "# コメント {i} café Київ\nRUN echo \"🐳 {i}\" # 注意\n"
        ));
    }
    t
}

/// The adversarial case of issue 11: a Dockerfile whose runtime image name is one word of
/// about `bytes` bytes, so every message that names it carries the whole word.
pub fn huge_word_dockerfile(bytes: usize) -> String {
    format!(
        "FROM python:3.11-slim AS builder\nRUN pip install --no-cache-dir -r requirements.txt\nFROM {}\nCMD [\"gunicorn\", \"app:app\"]\n",
        "a".repeat(bytes)
    )
}
