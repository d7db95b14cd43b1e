//! What `compare` measured: the JSON contract (serde) and the text report, in the style of
//! `analyze` (sections, boxes that close). Fields may be added; none are renamed.

use std::fmt::Write;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::observe::{self, Finding, Prediction};

/// The endpoints every image is asked for, in order.
pub const ENDPOINTS: [&str; 3] = ["/status", "/info", "/plot"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Baseline,
    Yours,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Baseline => "baseline",
            Role::Yours => "yours",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub images: Vec<ImageReport>,
    pub saved_bytes: Option<i64>,
    pub saved_percent: Option<f64>,
    /// Each of the nine consequences, as this comparison saw it for yours: observed
    /// (true), ruled out (false), or not something this run could tell (null).
    pub observed: Vec<Finding>,
    /// Every rule that failed in `check` on yours, with the consequence it claims and
    /// whether the build and run bore it out (null: a run cannot tell).
    pub predictions: Vec<Prediction>,
    /// Failures this run showed that no failing rule predicted.
    pub unpredicted: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageReport {
    pub role: Role,
    pub file: String,
    pub tag: String,
    pub built: bool,
    pub build_seconds: f64,
    pub size_bytes: Option<u64>,
    /// The `analyze` estimate for the same file.
    pub estimate_bytes: Option<u64>,
    /// The base image as one row, then the file's own layers; biggest first.
    pub layers: Vec<Layer>,
    /// Null when the image was built and not run (`--no-run`). A failed build has a run
    /// that did not happen: `ok` false, with the build's error and explanation.
    pub run: Option<RunReport>,
    /// What the comparison changed or could not do (a `# syntax=` line dropped, ...).
    pub notes: Vec<String>,
    /// The rebuild after a one-line change to the app (`--rebuild`); null when not asked
    /// for or the image did not build.
    pub rebuild: Option<RebuildReport>,
}

/// A second build from a copy of the context whose app file has one line more: which
/// steps the layer cache gave back, which ran again, and how long it took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebuildReport {
    /// The file that was changed (`app.py`).
    pub changed: String,
    pub ok: bool,
    pub seconds: f64,
    /// The steps that run something, in build order (FROM lines and compare's own label
    /// step left out).
    pub steps: Vec<RebuildStep>,
    pub cached_steps: usize,
    pub rerun_steps: usize,
    /// Steps that install packages (pip, apt-get, ...) and ran again: what a change to the
    /// app should never cost.
    pub reinstalled: Vec<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RebuildStep {
    pub instruction: String,
    pub cached: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    pub instruction: String,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub ok: bool,
    /// How far it got: `not-built`, `exited` (exited or never started), `no-answer`
    /// (running, nothing answered on the published port), `answered`.
    pub outcome: RunOutcome,
    pub uid: Option<u32>,
    pub endpoints: Endpoints,
    pub error: Option<String>,
    pub todo: Option<u32>,
    pub explanation: Option<String>,
    /// The last lines of the build or container log, shown under the explanation.
    pub log_tail: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunOutcome {
    /// The build failed: nothing ran.
    NotBuilt,
    /// `docker run` failed, or the container exited before it answered.
    Exited,
    /// The container kept running, but nothing answered on the published port in time.
    NoAnswer,
    /// Something answered on the published port.
    Answered,
}

/// The HTTP status of each endpoint, null when it did not answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Endpoints {
    #[serde(rename = "/status")]
    pub status: Option<u16>,
    #[serde(rename = "/info")]
    pub info: Option<u16>,
    #[serde(rename = "/plot")]
    pub plot: Option<u16>,
}

impl Endpoints {
    pub fn set(&mut self, path: &str, code: Option<u16>) {
        match path {
            "/status" => self.status = code,
            "/info" => self.info = code,
            "/plot" => self.plot = code,
            _ => {}
        }
    }

    pub fn get(&self, path: &str) -> Option<u16> {
        match path {
            "/status" => self.status,
            "/info" => self.info,
            "/plot" => self.plot,
            _ => None,
        }
    }

    pub fn all_ok(&self) -> bool {
        ENDPOINTS.iter().all(|p| self.get(p) == Some(200))
    }
}

impl RunReport {
    /// A run that answered 200 on every endpoint as `uid` (a finding for tests and for
    /// views to be drawn from; uid 0 is not ok).
    pub fn served(uid: u32) -> RunReport {
        RunReport {
            ok: uid != 0,
            outcome: RunOutcome::Answered,
            uid: Some(uid),
            endpoints: Endpoints {
                status: Some(200),
                info: Some(200),
                plot: Some(200),
            },
            error: None,
            todo: None,
            explanation: None,
            log_tail: vec![],
        }
    }
}

impl Report {
    /// A report of these images: the savings, and what was observed beside what `check`
    /// predicted (`expected`, the failing rules of yours).
    pub fn new(images: Vec<ImageReport>, expected: &[observe::Expected]) -> Report {
        let (saved_bytes, saved_percent) = savings(&images);
        let mut report = Report {
            images,
            saved_bytes,
            saved_percent,
            observed: vec![],
            predictions: vec![],
            unpredicted: vec![],
        };
        observe::judge(&mut report, expected);
        report
    }

    /// The biggest measured image, in bytes (0 when none was): the full length of a size bar.
    pub fn largest_size(&self) -> u64 {
        self.images
            .iter()
            .filter_map(|i| i.size_bytes)
            .max()
            .unwrap_or(0)
    }

    pub fn image(&self, role: Role) -> Option<&ImageReport> {
        self.images.iter().find(|i| i.role == role)
    }

    /// The comparison succeeded: yours built and, when it was run, served every endpoint as
    /// a non-root user.
    pub fn passed(&self) -> bool {
        self.image(Role::Yours).is_some_and(|y| {
            y.built
                && match &y.run {
                    Some(run) => run.ok,
                    None => true,
                }
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// Fills in the savings once both sizes are known.
pub fn savings(images: &[ImageReport]) -> (Option<i64>, Option<f64>) {
    let size = |role| {
        images
            .iter()
            .find(|i| i.role == role)
            .and_then(|i| i.size_bytes)
    };
    match (size(Role::Baseline), size(Role::Yours)) {
        (Some(base), Some(yours)) if base > 0 => {
            let saved = base as i64 - yours as i64;
            let percent = (saved as f64 * 1000.0 / base as f64).round() / 10.0;
            (Some(saved), Some(percent))
        }
        _ => (None, None),
    }
}

/// Megabytes as `docker images` counts them (10^6 bytes).
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

const BANNER: &str = "============================================================";
const RULE_LINE: &str = "------------------------------------------------------------";
/// Inner width of the boxes.
const BOX: usize = 64;

/// A box of lines that always closes: long lines are cut to fit.
fn boxed(o: &mut String, title: &str, lines: &[String]) {
    let top_fill = BOX.saturating_sub(title.width() + 3);
    let _ = writeln!(o, "   ┌─ {title} {}┐", "─".repeat(top_fill));
    for line in lines {
        let text = fit(line, BOX - 2);
        let pad = BOX - 2 - text.width();
        let _ = writeln!(o, "   │ {text}{} │", " ".repeat(pad));
    }
    let _ = writeln!(o, "   └{}┘", "─".repeat(BOX));
}

/// `text` cut to `width` columns, with `…` where it was cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + c.to_string().width() + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn size_text(bytes: Option<u64>) -> String {
    bytes.map_or("—".to_string(), |b| format!("{:.1} MB", mb(b)))
}

/// The text report.
pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{BANNER}\nDOCKER MULTISTAGE BUILD - Measured Comparison\n{BANNER}"
    );
    for image in &report.images {
        let _ = writeln!(
            o,
            "\n📦 {} ({}):\n{RULE_LINE}",
            image.role.as_str(),
            image.file
        );
        let mut lines = vec![format!(
            "{}  {}",
            image.tag,
            if image.built {
                format!("built in {:.1} s", image.build_seconds)
            } else {
                format!("build failed after {:.1} s", image.build_seconds)
            }
        )];
        lines.push(format!(
            "size {}   estimate {}",
            size_text(image.size_bytes),
            image
                .estimate_bytes
                .map_or("—".to_string(), |b| format!("~{:.0} MB", mb(b)))
        ));
        for note in &image.notes {
            lines.push(format!("note: {note}"));
        }
        boxed(&mut o, "image", &lines);
        if !image.layers.is_empty() {
            let rows: Vec<String> = image
                .layers
                .iter()
                .take(8)
                .map(|l| format!("{:>9}  {}", size_text(Some(l.size_bytes)), l.instruction))
                .collect();
            boxed(&mut o, "biggest layers", &rows);
        }
        if let Some(rebuild) = &image.rebuild {
            render_rebuild(&mut o, image, rebuild);
        }
        if let Some(run) = &image.run {
            render_run(&mut o, image, run);
        }
    }
    let _ = writeln!(o, "\n📊 Measured Size Comparison:\n{RULE_LINE}");
    let base = report.image(Role::Baseline);
    let yours = report.image(Role::Yours);
    let widest = report.largest_size();
    for image in [base, yours].into_iter().flatten() {
        let bar = match (image.size_bytes, widest) {
            (Some(b), w) if w > 0 => "█".repeat(((b as f64 / w as f64) * 40.0).round() as usize),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "   {:<9} {:>10}  {bar}",
            image.role.as_str(),
            size_text(image.size_bytes)
        );
    }
    match (report.saved_bytes, report.saved_percent) {
        (Some(saved), Some(percent)) if saved >= 0 => {
            let _ = writeln!(
                o,
                "\n   💾 Saved: {:.1} MB ({percent:.1}% smaller than the baseline)",
                saved as f64 / 1_000_000.0
            );
        }
        (Some(saved), Some(percent)) => {
            let _ = writeln!(
                o,
                "\n   💾 Saved: none: {:.1} MB ({:.1}%) larger than the baseline",
                -saved as f64 / 1_000_000.0,
                -percent
            );
        }
        _ => {
            let _ = writeln!(o, "\n   💾 Saved: unknown (an image did not build)");
        }
    }
    render_predictions(&mut o, report);
    let verdict = if report.passed() {
        match yours.and_then(|y| y.run.as_ref()) {
            Some(_) => {
                "✅ Your image builds and serves /status, /info and /plot as a non-root user."
            }
            None => "✅ Your image builds (not run: --no-run).",
        }
    } else {
        "❌ Your image does not build and serve yet: see the explanation above."
    };
    let _ = writeln!(o, "\n{BANNER}\n{verdict}\n{BANNER}");
    o
}

fn render_rebuild(o: &mut String, image: &ImageReport, r: &RebuildReport) {
    let mut lines = Vec::new();
    if r.ok {
        lines.push(format!(
            "rebuilt in {:.1} s (first build {:.1} s)",
            r.seconds, image.build_seconds
        ));
        lines.push(format!(
            "{} of {} steps from the cache, {} ran again",
            r.cached_steps,
            r.cached_steps + r.rerun_steps,
            r.rerun_steps
        ));
        let rerun: Vec<&RebuildStep> = r.steps.iter().filter(|s| !s.cached).collect();
        if let Some(first) = rerun.first() {
            lines.push(format!("cache broken at: {}", first.instruction));
        }
        for step in &r.reinstalled {
            lines.push(format!("↻ installs again: {step}"));
        }
        let shown = usize::from(!rerun.is_empty())
            + rerun
                .iter()
                .skip(1)
                .filter(|s| r.reinstalled.contains(&s.instruction))
                .count();
        if rerun.len() > shown {
            lines.push(format!("and {} more steps after it", rerun.len() - shown));
        }
    } else {
        lines.push(format!(
            "the rebuild failed: {}",
            r.error.as_deref().unwrap_or("no reason given")
        ));
    }
    boxed(
        o,
        &format!("rebuild after a change to {}", r.changed),
        &lines,
    );
}

fn render_predictions(o: &mut String, report: &Report) {
    if report.observed.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n🔮 What check predicted, beside what happened:\n{RULE_LINE}"
    );
    let mut say = |text: &str| {
        for (i, line) in textwrap::wrap(text, 72).iter().enumerate() {
            let indent = if i == 0 { "   " } else { "       " };
            let _ = writeln!(o, "{indent}{line}");
        }
    };
    if report.predictions.is_empty() {
        say("No check fails on yours: there was nothing to predict.");
    }
    for p in &report.predictions {
        let mark = match p.observed {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        say(&format!(
            "{mark} TODO {} · {}",
            p.todo,
            observe::prediction_line(p, &report.observed)
        ));
    }
    if report.unpredicted.is_empty() {
        say("Unpredicted: none: every failure this run showed was predicted by a failing check.");
    } else {
        for f in &report.unpredicted {
            say(&format!(
                "⚠ Unpredicted: {}: {} (no failing check said so)",
                f.consequence.id(),
                f.detail
            ));
        }
    }
}

fn render_run(o: &mut String, image: &ImageReport, run: &RunReport) {
    let mut lines = Vec::new();
    if image.built {
        let user = match run.uid {
            Some(0) => "root (uid 0)".to_string(),
            Some(uid) => format!("uid {uid}"),
            None => "unknown".to_string(),
        };
        lines.push(format!("runs as: {user}"));
        for path in ENDPOINTS {
            let line = match run.endpoints.get(path) {
                Some(200) => format!("✓ GET {path}  200"),
                Some(code) => format!("✗ GET {path}  {code}"),
                None => format!("✗ GET {path}  no answer"),
            };
            lines.push(line);
        }
    }
    if let Some(error) = &run.error {
        lines.push(format!("error: {error}"));
    }
    boxed(o, if image.built { "run" } else { "why it failed" }, &lines);
    if let Some(text) = &run.explanation {
        let head = match run.todo {
            Some(n) => format!("   💡 TODO {n}: "),
            None => "   💡 ".to_string(),
        };
        let width = 76;
        let wrapped = textwrap::wrap(text, width - 6);
        for (i, line) in wrapped.iter().enumerate() {
            if i == 0 {
                let _ = writeln!(o, "{head}{line}");
            } else {
                let _ = writeln!(o, "      {line}");
            }
        }
    }
    if !run.log_tail.is_empty() && !run.ok {
        let _ = writeln!(o, "   Last lines of the log:");
        for line in &run.log_tail {
            let _ = writeln!(o, "   │ {}", fit(line, 72));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(role: Role, size: Option<u64>, run: Option<RunReport>) -> ImageReport {
        ImageReport {
            role,
            file: "Dockerfile".into(),
            tag: format!("stagecraft-lab:{}", role.as_str()),
            built: size.is_some(),
            build_seconds: 12.3,
            size_bytes: size,
            estimate_bytes: size.map(|s| s + 1_000_000),
            layers: vec![Layer {
                instruction: "RUN pip install --no-cache-dir -r requirements.txt with a very long tail that will not fit in the box at all".into(),
                size_bytes: 250_000_000,
            }],
            run,
            notes: vec![],
            rebuild: None,
        }
    }

    #[test]
    fn json_follows_the_contract() {
        let images = vec![
            image(
                Role::Baseline,
                Some(1_253_000_000),
                Some(RunReport::served(0)),
            ),
            image(
                Role::Yours,
                Some(399_000_000),
                Some(RunReport::served(10001)),
            ),
        ];
        let report = Report::new(images, &[]);
        let v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(v["saved_bytes"], 854_000_000);
        assert_eq!(v["saved_percent"], 68.2);
        let yours = &v["images"][1];
        assert_eq!(yours["role"], "yours");
        assert_eq!(yours["run"]["endpoints"]["/plot"], 200);
        assert_eq!(yours["run"]["uid"], 10001);
        assert!(yours["run"]["todo"].is_null());
        assert_eq!(yours["layers"][0]["size_bytes"], 250_000_000);
        for key in [
            "role",
            "file",
            "tag",
            "built",
            "build_seconds",
            "size_bytes",
            "estimate_bytes",
            "layers",
            "run",
        ] {
            assert!(yours.get(key).is_some(), "{key} missing");
        }
        assert!(report.passed());
    }

    #[test]
    fn a_failed_build_has_no_savings_and_does_not_pass() {
        let failed = RunReport {
            ok: false,
            outcome: RunOutcome::NotBuilt,
            uid: None,
            endpoints: Endpoints::default(),
            error: Some("COPY failed".into()),
            todo: Some(5),
            explanation: Some("The build stage never created /opt/venv.".into()),
            log_tail: vec!["Step 9/12 : COPY --from=builder /opt/venv /opt/venv".into()],
        };
        let images = vec![
            image(Role::Baseline, Some(1_253_000_000), None),
            image(Role::Yours, None, Some(failed)),
        ];
        let (saved_bytes, saved_percent) = savings(&images);
        assert_eq!((saved_bytes, saved_percent), (None, None));
        let report = Report::new(images, &[]);
        assert!(!report.passed());
        let text = render(&report);
        assert!(
            text.contains("💡 TODO 5: The build stage never created /opt/venv."),
            "{text}"
        );
        assert!(text.contains("Saved: unknown"), "{text}");
    }

    #[test]
    fn boxes_close_on_every_line() {
        let mut yours = image(
            Role::Yours,
            Some(399_000_000),
            Some(RunReport::served(10001)),
        );
        let step = |instruction: &str, cached| RebuildStep {
            instruction: instruction.into(),
            cached,
        };
        yours.rebuild = Some(RebuildReport {
            changed: "app.py".into(),
            ok: true,
            seconds: 63.0,
            steps: vec![
                step("RUN python -m venv /opt/venv", true),
                step("COPY . .", false),
                step("RUN pip install --no-cache-dir -r requirements.txt", false),
                step("COPY --from=builder /opt/venv /opt/venv", false),
                step("CMD [\"gunicorn\"]", false),
            ],
            cached_steps: 1,
            rerun_steps: 4,
            reinstalled: vec!["RUN pip install --no-cache-dir -r requirements.txt".into()],
            error: None,
        });
        let images = vec![
            image(
                Role::Baseline,
                Some(1_253_000_000),
                Some(RunReport::served(0)),
            ),
            yours,
        ];
        let text = render(&Report::new(images, &[]));
        for expected in [
            "│ rebuilt in 63.0 s (first build 12.3 s)",
            "│ 1 of 5 steps from the cache, 4 ran again",
            "│ cache broken at: COPY . .",
            "│ ↻ installs again: RUN pip install --no-cache-dir",
            "│ and 2 more steps after it",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
        let mut open = false;
        for line in text.lines() {
            if line.trim_start().starts_with('┌') {
                open = true;
                assert!(line.ends_with('┐'), "{line}");
            }
            if open {
                assert_eq!(line.width(), BOX + 5, "{line:?}");
            }
            if line.trim_start().starts_with('└') {
                open = false;
            }
        }
        assert!(text.contains("✓ GET /plot  200"));
        assert!(text.contains("Saved: 854.0 MB (68.2% smaller"), "{text}");
    }
}
