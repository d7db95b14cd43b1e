//! What a comparison observed, sorted into the nine consequences the rules predict, and
//! each failing rule's prediction set beside it. Data only: it reads a finished report.
//!
//! How each consequence is observed (on yours):
//!
//! | consequence | observed when | ruled out when | cannot tell when |
//! |---|---|---|---|
//! | `build-fails` | the build failed | it built | never |
//! | `wont-start` | the container exited or never started, or it started and an endpoint did not answer 200 | it served all three endpoints | not built, not run, or running without an answer |
//! | `unreachable` | it kept running and nothing answered on the published port | something answered | not built, not run, or it exited |
//! | `runs-as-root` | its process ran as uid 0 | it ran as another uid | the user could not be read |
//! | `bigger-image` | not smaller than the baseline, or more than 10% over the reference solution's size in this context | within that | not built, or no size to hold it to |
//! | `slower-rebuilds` | after a one-line change to the app, a step that installs packages ran again | no install ran again | no `--rebuild`, or the rebuild failed |
//! | `not-reproducible`, `not-production`, `portability` | — | — | always: one build on one machine cannot tell |
//!
//! The reference solution's size in this context: its measured size in
//! `assets/sizes.yaml` (`solutions/venv.Dockerfile`, the largest reference), shifted by
//! how far the baseline measured here is from its own recorded size. The baseline and the
//! reference install the same requirements, so a context with other requirements moves
//! both by the same amount; a baseline with no recorded size gives no reference.

use serde::Serialize;

use super::report::{ImageReport, Report, Role, RunOutcome, mb};
use crate::grade::TodoVerdict;
use crate::report::sizes;
use crate::rules::Consequence;

/// The reference solution whose measured size an image is held to.
pub const REFERENCE: &str = "solutions/venv.Dockerfile";
/// How much bigger than the reference an image may be before it counts as bigger.
pub const BIGGER_MARGIN: f64 = 0.10;

/// One consequence as a comparison saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub consequence: Consequence,
    /// true: it happened; false: it did not; null: this run cannot tell.
    pub observed: Option<bool>,
    /// What was seen, in the learner's words ("it did not start (exit 1)").
    pub detail: String,
}

/// What a rule that failed in `check` claimed, and whether the run bore it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prediction {
    pub rule: String,
    pub consequence: Consequence,
    pub observed: Option<bool>,
    pub todo: u32,
    /// The rule's message in `check`.
    pub message: String,
}

/// A failing rule of `check`, before the build: what it predicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub rule: String,
    pub todo: u32,
    pub consequence: Consequence,
    pub message: String,
}

/// The failing rules of a graded file (each rule once, in TODO order), as `check` lists
/// them; rules without a consequence are left out.
pub fn expected(todos: &[TodoVerdict]) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    for todo in todos {
        for rule in todo.failing() {
            let Some(consequence) = rule.consequence else {
                continue;
            };
            if out.iter().any(|e| e.rule == rule.id) {
                continue;
            }
            out.push(Expected {
                rule: rule.id.clone(),
                todo: todo.todo,
                consequence,
                message: rule.message.clone(),
            });
        }
    }
    out
}

/// Each of the nine consequences, in [`Consequence::ALL`] order, for yours.
pub fn observe(images: &[ImageReport]) -> Vec<Finding> {
    let yours = images.iter().find(|i| i.role == Role::Yours);
    let baseline = images.iter().find(|i| i.role == Role::Baseline);
    Consequence::ALL
        .iter()
        .map(|&c| {
            let (observed, detail) = match yours {
                None => (None, "yours was not built".to_string()),
                Some(y) => one(c, y, baseline),
            };
            Finding {
                consequence: c,
                observed,
                detail,
            }
        })
        .collect()
}

fn one(
    c: Consequence,
    yours: &ImageReport,
    baseline: Option<&ImageReport>,
) -> (Option<bool>, String) {
    use Consequence::*;
    let not_built = || (None, "it did not build".to_string());
    let run = yours.run.as_ref().filter(|_| yours.built);
    match c {
        BuildFails => {
            if yours.built {
                (Some(false), "it built".into())
            } else {
                let why = yours
                    .run
                    .as_ref()
                    .and_then(|r| r.error.clone())
                    .unwrap_or_else(|| "the build failed".into());
                (Some(true), format!("the build failed ({why})"))
            }
        }
        _ if !yours.built => not_built(),
        WontStart => match run {
            None => (None, "it was not run (--no-run)".into()),
            Some(r) => match r.outcome {
                RunOutcome::Exited => (
                    Some(true),
                    format!(
                        "it did not start ({})",
                        short_error(r.error.as_deref().unwrap_or("no reason given"))
                    ),
                ),
                RunOutcome::NoAnswer => (
                    None,
                    "it kept running but never answered, so whether it started serving cannot be told"
                        .into(),
                ),
                RunOutcome::Answered => {
                    match super::report::ENDPOINTS
                        .iter()
                        .find(|p| r.endpoints.get(p) != Some(200))
                    {
                        None => (Some(false), "it started and served /status, /info and /plot".into()),
                        Some(path) => (
                            Some(true),
                            match r.endpoints.get(path) {
                                Some(code) => format!("it started, but GET {path} answered {code}"),
                                None => format!("it started, but GET {path} got no answer"),
                            },
                        ),
                    }
                }
                RunOutcome::NotBuilt => not_built(),
            },
        },
        Unreachable => match run {
            None => (None, "it was not run (--no-run)".into()),
            Some(r) => match r.outcome {
                RunOutcome::NoAnswer => (
                    Some(true),
                    "it kept running, but nothing answered on the published port".into(),
                ),
                RunOutcome::Answered => (Some(false), "it answered on the published port".into()),
                RunOutcome::Exited | RunOutcome::NotBuilt => (
                    None,
                    "it never started, so whether it could be reached cannot be told".into(),
                ),
            },
        },
        RunsAsRoot => match run.and_then(|r| r.uid) {
            Some(0) => (Some(true), "it ran as root (uid 0)".into()),
            Some(uid) => (Some(false), format!("it ran as uid {uid}")),
            None if run.is_none() => (None, "it was not run (--no-run)".into()),
            None => (None, "the user it runs as could not be read".into()),
        },
        BiggerImage => bigger(yours, baseline),
        SlowerRebuilds => match &yours.rebuild {
            None => (None, "not measured (ask for it with --rebuild)".into()),
            Some(r) if !r.ok => (
                None,
                format!(
                    "the rebuild failed ({})",
                    r.error.as_deref().unwrap_or("no reason given")
                ),
            ),
            Some(r) if !r.reinstalled.is_empty() => (
                Some(true),
                format!(
                    "after a one-line change to {}, `{}` ran again (rebuild {:.1} s)",
                    r.changed,
                    short_step(&r.reinstalled[0]),
                    r.seconds
                ),
            ),
            Some(r) => (
                Some(false),
                format!(
                    "after a one-line change to {}, {} of {} steps came from the cache and no install ran again (rebuild {:.1} s)",
                    r.changed,
                    r.cached_steps,
                    r.cached_steps + r.rerun_steps,
                    r.seconds
                ),
            ),
        },
        NotReproducible | NotProduction | Portability | Fragile | Unclear => {
            (None, "one build on one machine cannot tell".into())
        }
    }
}

/// The reference solution's size in this context, in bytes, and how it was found.
pub fn reference_here(baseline: Option<&ImageReport>) -> Option<f64> {
    let table = sizes::table();
    let reference = f64::from(table.measured(REFERENCE)?) * 1e6;
    let baseline = baseline?;
    let recorded = f64::from(table.measured(&baseline.file)?) * 1e6;
    let here = baseline.size_bytes? as f64;
    let shifted = reference + (here - recorded);
    (shifted > 0.0).then_some(shifted)
}

fn bigger(yours: &ImageReport, baseline: Option<&ImageReport>) -> (Option<bool>, String) {
    let Some(size) = yours.size_bytes else {
        return (None, "its size could not be read".into());
    };
    if let Some(base) = baseline.and_then(|b| b.size_bytes)
        && size >= base
    {
        return (
            Some(true),
            format!(
                "measured {:.0} MB, not smaller than the baseline's {:.0} MB",
                mb(size),
                mb(base)
            ),
        );
    }
    let Some(reference) = reference_here(baseline) else {
        return (
            None,
            "no reference size to hold it to (the baseline has no recorded size)".into(),
        );
    };
    let over = size as f64 - reference;
    if over > reference * BIGGER_MARGIN {
        (
            Some(true),
            format!(
                "measured +{:.0} MB over the reference solution ({:.0} MB against ~{:.0} MB)",
                over / 1e6,
                mb(size),
                reference / 1e6
            ),
        )
    } else {
        (
            Some(false),
            format!(
                "measured {:.0} MB, within {:.0}% of the reference solution's ~{:.0} MB",
                mb(size),
                BIGGER_MARGIN * 100.0,
                reference / 1e6
            ),
        )
    }
}

/// "the container exited with code 1" → "exit 1"; other errors keep their first line.
fn short_error(error: &str) -> String {
    if let Some(rest) = error.strip_prefix("the container exited with code ") {
        let code: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !code.is_empty() {
            return format!("exit {code}");
        }
    }
    let line = error.lines().next().unwrap_or(error);
    // The runtime's long chain ("docker: Error response from daemon: failed to create shim
    // task: OCI runtime create failed: ... exec: \"gunicorn\": executable file not found in
    // $PATH: unknown"): its last link is the reason.
    let line = match line.find("exec: ") {
        Some(i) => line[i..].trim_end_matches(": unknown"),
        None => line,
    };
    super::report::fit(line, 100)
}

fn short_step(step: &str) -> String {
    super::report::fit(&step.split_whitespace().collect::<Vec<_>>().join(" "), 60)
}

/// Each expected failure beside what was observed of its consequence.
pub fn predictions(expected: &[Expected], observed: &[Finding]) -> Vec<Prediction> {
    expected
        .iter()
        .map(|e| Prediction {
            rule: e.rule.clone(),
            consequence: e.consequence,
            observed: observed
                .iter()
                .find(|f| f.consequence == e.consequence)
                .and_then(|f| f.observed),
            todo: e.todo,
            message: e.message.clone(),
        })
        .collect()
}

/// Observed failures that no failing rule predicted.
pub fn unpredicted(expected: &[Expected], observed: &[Finding]) -> Vec<Finding> {
    observed
        .iter()
        .filter(|f| f.observed == Some(true))
        .filter(|f| !expected.iter().any(|e| e.consequence == f.consequence))
        .cloned()
        .collect()
}

/// Fills in the observations, predictions and the unpredicted list of a report.
pub fn judge(report: &mut Report, expected: &[Expected]) {
    report.observed = observe(&report.images);
    report.predictions = predictions(expected, &report.observed);
    report.unpredicted = unpredicted(expected, &report.observed);
}

/// "predicted a bigger image": what a rule with this consequence claimed.
pub fn predicted(c: Consequence) -> &'static str {
    match c {
        Consequence::BuildFails => "predicted the build would fail",
        Consequence::WontStart => "predicted it would not start",
        Consequence::Unreachable => "predicted it could not be reached",
        Consequence::RunsAsRoot => "predicted it would run as root",
        Consequence::BiggerImage => "predicted a bigger image",
        Consequence::SlowerRebuilds => "predicted slower rebuilds",
        Consequence::NotReproducible => "predicted builds that are not reproducible",
        Consequence::NotProduction => "predicted it would not be fit for production",
        Consequence::Portability => "predicted it would break on other platforms",
        Consequence::Fragile => "predicted a later edit could break it",
        Consequence::Unclear => "predicted it would be harder to read",
    }
}

/// One line of the text report for a prediction.
pub fn prediction_line(p: &Prediction, observed: &[Finding]) -> String {
    let detail = observed
        .iter()
        .find(|f| f.consequence == p.consequence)
        .map_or("", |f| f.detail.as_str());
    let verdict = match p.observed {
        Some(true) => String::new(),
        Some(false) => " (prediction not borne out)".to_string(),
        None => String::new(),
    };
    format!("{} {}: {detail}{verdict}", p.rule, predicted(p.consequence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::report::{Endpoints, RebuildReport, RunReport, render};

    fn ran(outcome: RunOutcome, error: Option<&str>) -> RunReport {
        RunReport {
            ok: false,
            outcome,
            uid: None,
            endpoints: Endpoints::default(),
            error: error.map(str::to_string),
            todo: None,
            explanation: None,
            log_tail: vec![],
        }
    }

    fn image(role: Role, file: &str, mb: Option<u64>, run: Option<RunReport>) -> ImageReport {
        ImageReport {
            role,
            file: file.into(),
            tag: format!("stagecraft-lab:{}", role.as_str()),
            built: run
                .as_ref()
                .is_none_or(|r| r.outcome != RunOutcome::NotBuilt),
            build_seconds: 10.0,
            size_bytes: mb.map(|m| m * 1_000_000),
            estimate_bytes: None,
            layers: vec![],
            run,
            notes: vec![],
            rebuild: None,
        }
    }

    /// A report of the starter's baseline (at its recorded size) and yours.
    fn report(yours: ImageReport, expected: &[Expected]) -> Report {
        let baseline = image(
            Role::Baseline,
            "starter/Dockerfile.single",
            sizes::table()
                .measured("starter/Dockerfile.single")
                .map(u64::from),
            Some(RunReport::served(0)),
        );
        Report::new(vec![baseline, yours], expected)
    }

    fn expect(rule: &str, todo: u32, consequence: Consequence) -> Expected {
        Expected {
            rule: rule.into(),
            todo,
            consequence,
            message: "…".into(),
        }
    }

    fn finding(r: &Report, c: Consequence) -> &Finding {
        r.observed.iter().find(|f| f.consequence == c).unwrap()
    }

    fn reference_mb() -> u64 {
        u64::from(sizes::table().measured(REFERENCE).unwrap())
    }

    #[test]
    fn predicted_and_observed() {
        let yours = image(
            Role::Yours,
            "Dockerfile",
            Some(reference_mb()),
            Some(ran(
                RunOutcome::Exited,
                Some("the container exited with code 1"),
            )),
        );
        let r = report(yours, &[expect("SC503", 5, Consequence::WontStart)]);
        assert_eq!(r.predictions.len(), 1);
        assert_eq!(r.predictions[0].observed, Some(true));
        assert_eq!(
            prediction_line(&r.predictions[0], &r.observed),
            "SC503 predicted it would not start: it did not start (exit 1)"
        );
        // It never started: whether it was reachable, or ran as root, cannot be told.
        assert_eq!(finding(&r, Consequence::Unreachable).observed, None);
        assert_eq!(finding(&r, Consequence::RunsAsRoot).observed, None);
        assert_eq!(finding(&r, Consequence::BuildFails).observed, Some(false));
        assert!(r.unpredicted.is_empty());
        let text = render(&r);
        assert!(
            text.contains(
                "✓ TODO 5 · SC503 predicted it would not start: it did not start (exit 1)"
            ),
            "{text}"
        );
        assert!(text.contains("Unpredicted: none"), "{text}");
    }

    #[test]
    fn the_reason_a_container_did_not_start_is_its_last_link() {
        assert_eq!(short_error("the container exited with code 3"), "exit 3");
        assert_eq!(
            short_error(
                "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"gunicorn\": executable file not found in $PATH: unknown"
            ),
            "exec: \"gunicorn\": executable file not found in $PATH"
        );
    }

    #[test]
    fn predicted_and_not_observed() {
        let yours = image(
            Role::Yours,
            "Dockerfile",
            Some(reference_mb()),
            Some(RunReport::served(10001)),
        );
        let r = report(
            yours,
            &[
                expect("SC503", 5, Consequence::WontStart),
                expect("SC703", 7, Consequence::Unreachable),
                expect("SC404", 4, Consequence::BiggerImage),
                expect("SC103", 1, Consequence::NotReproducible),
            ],
        );
        let observed: Vec<Option<bool>> = r.predictions.iter().map(|p| p.observed).collect();
        assert_eq!(observed, vec![Some(false), Some(false), Some(false), None]);
        assert_eq!(
            prediction_line(&r.predictions[0], &r.observed),
            "SC503 predicted it would not start: it started and served /status, /info and /plot (prediction not borne out)"
        );
        assert!(
            prediction_line(&r.predictions[2], &r.observed).contains("within 10% of the reference")
        );
        assert!(r.unpredicted.is_empty());
        let text = render(&r);
        assert!(
            text.contains("✗ TODO 7 · SC703 predicted it could not be reached"),
            "{text}"
        );
        assert!(text.contains("· TODO 1 · SC103 predicted builds"), "{text}");
    }

    #[test]
    fn observed_and_not_predicted() {
        let mut yours = image(
            Role::Yours,
            "Dockerfile",
            Some(reference_mb() + 164),
            Some(RunReport::served(0)),
        );
        yours.rebuild = Some(RebuildReport {
            changed: "app.py".into(),
            ok: true,
            seconds: 48.2,
            steps: vec![],
            cached_steps: 2,
            rerun_steps: 3,
            reinstalled: vec!["RUN pip install -r requirements.txt".into()],
            error: None,
        });
        let r = report(yours, &[expect("SC404", 4, Consequence::BiggerImage)]);
        assert_eq!(r.predictions[0].observed, Some(true));
        assert_eq!(
            prediction_line(&r.predictions[0], &r.observed),
            format!(
                "SC404 predicted a bigger image: measured +164 MB over the reference solution ({} MB against ~{} MB)",
                reference_mb() + 164,
                reference_mb()
            )
        );
        let unpredicted: Vec<Consequence> = r.unpredicted.iter().map(|f| f.consequence).collect();
        assert_eq!(
            unpredicted,
            vec![Consequence::RunsAsRoot, Consequence::SlowerRebuilds]
        );
        assert!(
            r.unpredicted[1]
                .detail
                .contains("`RUN pip install -r requirements.txt` ran again (rebuild 48.2 s)")
        );
        let text = render(&r);
        assert!(
            text.contains("⚠ Unpredicted: runs-as-root: it ran as root (uid 0)"),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(json["predictions"][0]["rule"], "SC404");
        assert_eq!(json["predictions"][0]["consequence"], "bigger-image");
        assert_eq!(json["predictions"][0]["observed"], true);
        assert_eq!(json["unpredicted"][0]["consequence"], "runs-as-root");
        assert_eq!(
            json["observed"].as_array().unwrap().len(),
            Consequence::ALL.len()
        );
        assert!(
            json["observed"][6]["observed"].is_null(),
            "not-reproducible"
        );
    }

    #[test]
    fn a_failed_build_tells_nothing_of_the_run() {
        let yours = image(
            Role::Yours,
            "Dockerfile",
            None,
            Some(ran(
                RunOutcome::NotBuilt,
                Some("COPY failed: /opt/venv: not found"),
            )),
        );
        let r = report(
            yours,
            &[
                expect("SC502", 5, Consequence::BuildFails),
                expect("SC503", 5, Consequence::WontStart),
            ],
        );
        assert_eq!(r.predictions[0].observed, Some(true));
        assert_eq!(r.predictions[1].observed, None);
        assert!(
            finding(&r, Consequence::BuildFails)
                .detail
                .contains("/opt/venv")
        );
        for c in Consequence::ALL.iter().skip(1) {
            assert_eq!(finding(&r, *c).observed, None, "{c:?}");
        }
        assert!(r.unpredicted.is_empty());
    }

    #[test]
    fn running_without_an_answer_is_unreachable_and_an_error_page_is_not_serving() {
        let yours = image(
            Role::Yours,
            "Dockerfile",
            Some(reference_mb()),
            Some(ran(RunOutcome::NoAnswer, Some("nothing answered"))),
        );
        let r = report(yours, &[]);
        assert_eq!(finding(&r, Consequence::Unreachable).observed, Some(true));
        assert_eq!(finding(&r, Consequence::WontStart).observed, None);
        assert_eq!(r.unpredicted.len(), 1);

        let mut broken = RunReport::served(10001);
        broken.endpoints.plot = Some(500);
        let yours = image(
            Role::Yours,
            "Dockerfile",
            Some(reference_mb()),
            Some(broken),
        );
        let r = report(yours, &[]);
        let f = finding(&r, Consequence::WontStart);
        assert_eq!(f.observed, Some(true));
        assert_eq!(f.detail, "it started, but GET /plot answered 500");
        assert_eq!(finding(&r, Consequence::Unreachable).observed, Some(false));
    }

    #[test]
    fn the_reference_size_follows_the_context() {
        let recorded = u64::from(
            sizes::table()
                .measured("starter/Dockerfile.single")
                .unwrap(),
        );
        // A context with lighter requirements: the baseline measures 240 MB less here, so
        // the reference is held to 240 MB less too.
        let baseline = image(
            Role::Baseline,
            "starter/Dockerfile.single",
            Some(recorded - 240),
            Some(RunReport::served(0)),
        );
        let here = reference_mb() - 240;
        let limit = here + here / 10;
        for (mb, bigger) in [(limit + 5, Some(true)), (limit - 5, Some(false))] {
            let yours = image(
                Role::Yours,
                "Dockerfile",
                Some(mb),
                Some(RunReport::served(10001)),
            );
            let r = Report::new(vec![baseline.clone(), yours], &[]);
            assert_eq!(
                finding(&r, Consequence::BiggerImage).observed,
                bigger,
                "{mb} MB"
            );
        }
        // Not smaller than the baseline: bigger, whatever the reference.
        let mine = image(
            Role::Baseline,
            "mine.Dockerfile",
            Some(500),
            Some(RunReport::served(0)),
        );
        let yours = image(
            Role::Yours,
            "Dockerfile",
            Some(500),
            Some(RunReport::served(10001)),
        );
        let r = Report::new(vec![mine.clone(), yours], &[]);
        assert_eq!(finding(&r, Consequence::BiggerImage).observed, Some(true));
        // A baseline with no recorded size: nothing to hold a smaller image to.
        let yours = image(
            Role::Yours,
            "Dockerfile",
            Some(450),
            Some(RunReport::served(10001)),
        );
        let r = Report::new(vec![mine, yours], &[]);
        assert_eq!(finding(&r, Consequence::BiggerImage).observed, None);
    }

    #[test]
    fn expected_lists_each_failing_rule_once() {
        let pack = crate::pack::Pack::embedded().unwrap();
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("solutions/venv.Dockerfile"),
        )
        .unwrap();
        let no_path = text.replace(
            "ENV PATH=\"/opt/venv/bin:$PATH\" \\\n    PYTHONUNBUFFERED=1",
            "ENV PYTHONUNBUFFERED=1",
        );
        let analysis = crate::grade::Analysis::of(&text, &pack);
        assert_eq!(expected(&analysis.todos), vec![]);
        let analysis = crate::grade::Analysis::of(&no_path, &pack);
        let e = expected(&analysis.todos);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].rule.as_str(), e[0].todo), ("SC503", 5));
        assert_eq!(e[0].consequence, Consequence::WontStart);
    }
}
