//! What `compare` measured: the JSON contract (serde) and the text report, in the style of
//! `analyze` (sections, boxes that close). Fields may be added; none are renamed.

use std::fmt::Write;

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layer {
    pub instruction: String,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub ok: bool,
    pub uid: Option<u32>,
    pub endpoints: Endpoints,
    pub error: Option<String>,
    pub todo: Option<u32>,
    pub explanation: Option<String>,
    /// The last lines of the build or container log, shown under the explanation.
    pub log_tail: Vec<String>,
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

impl Report {
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
        if let Some(run) = &image.run {
            render_run(&mut o, image, run);
        }
    }
    let _ = writeln!(o, "\n📊 Measured Size Comparison:\n{RULE_LINE}");
    let base = report.image(Role::Baseline);
    let yours = report.image(Role::Yours);
    let widest = report
        .images
        .iter()
        .filter_map(|i| i.size_bytes)
        .max()
        .unwrap_or(0);
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
        }
    }

    fn ok_run(uid: u32) -> RunReport {
        RunReport {
            ok: uid != 0,
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

    #[test]
    fn json_follows_the_contract() {
        let images = vec![
            image(Role::Baseline, Some(1_253_000_000), Some(ok_run(0))),
            image(Role::Yours, Some(399_000_000), Some(ok_run(10001))),
        ];
        let (saved_bytes, saved_percent) = savings(&images);
        let report = Report {
            images,
            saved_bytes,
            saved_percent,
        };
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
        let report = Report {
            images,
            saved_bytes,
            saved_percent,
        };
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
        let images = vec![
            image(Role::Baseline, Some(1_253_000_000), Some(ok_run(0))),
            image(Role::Yours, Some(399_000_000), Some(ok_run(10001))),
        ];
        let (saved_bytes, saved_percent) = savings(&images);
        let text = render(&Report {
            images,
            saved_bytes,
            saved_percent,
        });
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
