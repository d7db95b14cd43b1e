//! `stagecraft analyze`: the report of seeds 002/003, every section derived from facts.

use std::fmt::Write;

use serde::Serialize;

use super::{Format, Input};
use crate::facts::Facts;
use crate::grade::Analysis;
use crate::pack::Pack;
use crate::report::diagram::{self, Diagram};
use crate::report::sizes::{self, Comparison};
use crate::syntax::Diagnostic;

const RULE_LINE: &str = "------------------------------------------------------------";
const BANNER: &str = "============================================================";
const IMAGE: &str = "flask-demo";
/// Stages drawn in the text report; the JSON has them all.
const MAX_DIAGRAM_STAGES: usize = 40;

#[derive(Serialize)]
struct Check {
    id: String,
    title: String,
    passed: bool,
    message: String,
}

#[derive(Serialize)]
struct Report {
    file: String,
    stages: usize,
    diagram: Diagram,
    checks: Vec<Check>,
    score: usize,
    total: usize,
    sizes: Comparison,
    build_commands: Vec<String>,
    takeaways: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

fn report(input: &Input, pack: &Pack) -> (Report, Facts) {
    let analysis = Analysis::of(&input.text, pack);
    let facts = &analysis.facts;
    let stage_sizes = sizes::estimate(facts, &pack.params);
    let checks: Vec<Check> = analysis
        .best_practices(&pack.params)
        .into_iter()
        .map(|v| Check {
            id: v.id,
            title: v.title,
            passed: v.passed,
            message: v.message,
        })
        .collect();
    let score = checks.iter().filter(|c| c.passed).count();
    let build_name = facts.build().and_then(|b| b.name.clone());
    let port = pack.params.port;
    let mut build_commands = vec![format!(
        "docker build -t {IMAGE}:multistage -f {} .",
        input.name
    )];
    if let Some(name) = &build_name {
        build_commands.push(format!(
            "docker build --target {name} -t {IMAGE}:{name} -f {} .",
            input.name
        ));
    }
    build_commands.push(format!(
        "docker run -d -p {port}:{port} --name {IMAGE} {IMAGE}:multistage"
    ));
    build_commands.push(format!("curl http://localhost:{port}/status"));
    build_commands.push(format!("docker images {IMAGE}"));
    let from = build_name.as_deref().unwrap_or("builder");
    let takeaways = vec![
        "Multistage builds separate build-time from runtime dependencies".to_string(),
        format!("COPY --from={from} transfers only needed artifacts"),
        "Non-root USER improves container security".to_string(),
        format!(
            "Copy {} first for better layer caching",
            pack.params.requirements_file
        ),
        "HEALTHCHECK enables container orchestration integration".to_string(),
    ];
    let report = Report {
        file: input.name.clone(),
        stages: facts.stages.len(),
        diagram: diagram::build(facts, &stage_sizes),
        total: checks.len(),
        checks,
        score,
        sizes: sizes::compare(facts, &pack.params),
        build_commands,
        takeaways,
        diagnostics: input
            .warning
            .iter()
            .chain(analysis.diagnostics())
            .cloned()
            .collect(),
    };
    (report, analysis.facts)
}

pub fn run(input: &Input, pack: &Pack, format: Format) -> String {
    let (r, facts) = report(input, pack);
    if format == Format::Json {
        return serde_json::to_string_pretty(&r).unwrap_or_default() + "\n";
    }
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{BANNER}\nDOCKER MULTISTAGE BUILD - Analysis & Demonstration\n{BANNER}\n"
    );
    let _ = writeln!(
        o,
        "📄 Analyzing: {}\n   Found {} build stage(s)",
        r.file, r.stages
    );
    for d in &r.diagnostics {
        let _ = writeln!(o, "   ⚠ {}:{}:{}: {}", r.file, d.line, d.column, d.message);
    }
    let _ = writeln!(o, "\n🔄 Build Stage Flow:\n{BANNER}\n");
    let (shown, _) = r.diagram.trimmed(MAX_DIAGRAM_STAGES);
    for line in diagram::render(&shown, 76, false) {
        let _ = writeln!(o, "  {}", line.text);
    }
    let _ = writeln!(o, "\n🔍 Best Practices Validation:\n{RULE_LINE}");
    for c in &r.checks {
        let mark = if c.passed { "✅" } else { "❌" };
        let _ = writeln!(o, "   {mark} {}: {}", c.title, c.message);
    }
    let _ = writeln!(o, "\n   Score: {}/{} checks passed", r.score, r.total);

    let s = &r.sizes;
    let py = &s.python;
    let this = if facts.stages.len() > 1 {
        "this file (multistage)"
    } else {
        "this file (single-stage)"
    };
    let rows = [
        (format!("python:{py} (single-stage)"), s.full_single),
        (format!("python:{py}-slim (single-stage)"), s.slim_single),
        (this.to_string(), s.this_file),
    ];
    let w = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(o, "\n📊 Estimated Size Comparison:\n{RULE_LINE}");
    for (label, mb) in &rows {
        let _ = writeln!(o, "   {label:<w$}: ~{mb} MB");
    }
    if s.savings > 0 {
        let _ = writeln!(
            o,
            "\n   💾 Savings: ~{} MB ({}% reduction)",
            s.savings, s.savings_percent
        );
    } else {
        let _ = writeln!(
            o,
            "\n   💾 Savings: none yet ({} MB larger than the full single-stage image)",
            -s.savings
        );
    }
    if !s.excluded.is_empty() {
        let _ = writeln!(o, "\n   Excluded from final image:");
        for e in &s.excluded {
            let _ = writeln!(o, "   • {} (~{} MB)", e.what, e.mb);
        }
    }
    let _ = writeln!(
        o,
        "   (estimates from assets/sizes.yaml, not a measured build)"
    );

    let _ = writeln!(o, "\n🛠️  Build Commands:\n{RULE_LINE}");
    let comments = [
        "Build the full image",
        "Build only the build stage (for debugging)",
        "Run the container",
        "Test the status endpoint",
        "Compare sizes",
    ];
    let skip_target = usize::from(facts.build().and_then(|b| b.name.as_ref()).is_none());
    for (cmd, comment) in r.build_commands.iter().zip(
        comments
            .iter()
            .enumerate()
            .filter(|(i, _)| !(skip_target == 1 && *i == 1))
            .map(|(_, c)| c),
    ) {
        let _ = writeln!(o, "   # {comment}\n   {cmd}\n");
    }
    let _ = writeln!(o, "{BANNER}\n📚 Key Takeaways:\n{BANNER}");
    for (i, t) in r.takeaways.iter().enumerate() {
        let _ = writeln!(o, "   {}. {t}", i + 1);
    }
    crate::text::printable_lines(o)
}
