//! How cost grows with input: each adversarial shape at n, 2n, 4n and 8n through everything
//! `check` and `analyze` do, and the exponent fitted to the times (1 is linear). Issue 11
//! asks for every exponent ≤ 1.2, and every input up to 1 MiB answered in under a second.
//! A benchmark, not a test: run it with `cargo bench --bench growth`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use stagecraft::bench_input::SHAPES;
use stagecraft::cli::{Format, Input, analyze, check};
use stagecraft::pack::Pack;

fn run(text: &str, pack: &Pack) {
    let input = Input {
        name: "Dockerfile".into(),
        text: text.to_string(),
        warning: None,
    };
    black_box(check::run(&input, pack, Format::Json));
    black_box(analyze::run(&input, pack, Format::Text));
}

/// How many times each size runs; the best time counts.
const ROUNDS: usize = 5;

/// The best of [`ROUNDS`] runs of each text, the sizes taken in turn within each round: a
/// burst of load from another process then slows one run of every size rather than all
/// runs of one size, and the best run of each size is left untouched by it.
fn best_times(texts: &[String], pack: &Pack) -> Vec<Duration> {
    let mut best = vec![Duration::MAX; texts.len()];
    for _ in 0..ROUNDS {
        for (text, best) in texts.iter().zip(&mut best) {
            let start = Instant::now();
            run(text, pack);
            *best = (*best).min(start.elapsed());
        }
    }
    best
}

/// `--write-inputs DIR [BYTES]`: writes every shape at n and 8n (8n about BYTES, default
/// 256 KiB) as `DIR/<shape>.<n>`, for counting instructions under callgrind, which a busy
/// machine cannot disturb (scripts/growth-instructions.sh).
fn write_inputs(dir: &std::path::Path, bytes: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, make) in SHAPES {
        let unit = make(1000).len().max(1);
        let n = (bytes * 1000 / unit / 8).max(1);
        let slug: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        for k in [n, 8 * n] {
            std::fs::write(dir.join(format!("{slug}.{k}")), make(k))?;
        }
    }
    Ok(())
}

fn main() {
    let pack = Pack::embedded().expect("embedded pack");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--write-inputs") {
        let dir = args.get(at + 1).expect("--write-inputs DIR [BYTES]");
        let bytes = args
            .get(at + 2)
            .and_then(|b| b.parse().ok())
            .unwrap_or(256 << 10);
        write_inputs(std::path::Path::new(dir), bytes).expect("writing the inputs");
        return;
    }
    // `cargo bench --bench growth -- NAME` runs the shapes whose name contains NAME.
    let filter = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    let mut worst: f64 = 0.0;
    println!(
        "{:<36} {:>9} {:>10} {:>10}  exponent",
        "shape", "bytes@8n", "time@n", "time@8n"
    );
    for (name, make) in SHAPES.iter().filter(|(n, _)| n.contains(filter.as_str())) {
        // n chosen so that 8n is about 1 MiB of text.
        let unit = make(1000).len().max(1);
        let n = ((1 << 20) * 1000 / unit / 8).max(1);
        let sizes = [n, 2 * n, 4 * n, 8 * n];
        let texts: Vec<String> = sizes.iter().map(|&k| make(k)).collect();
        let times: Vec<f64> = best_times(&texts, &pack)
            .iter()
            .map(Duration::as_secs_f64)
            .collect();
        // Least-squares slope of log(time) against log(n).
        let xs: Vec<f64> = sizes.iter().map(|&k| (k as f64).ln()).collect();
        let ys: Vec<f64> = times.iter().map(|t| t.max(1e-9).ln()).collect();
        let (mx, my) = (xs.iter().sum::<f64>() / 4.0, ys.iter().sum::<f64>() / 4.0);
        let slope = xs
            .iter()
            .zip(&ys)
            .map(|(x, y)| (x - mx) * (y - my))
            .sum::<f64>()
            / xs.iter().map(|x| (x - mx).powi(2)).sum::<f64>();
        worst = worst.max(slope);
        println!(
            "{name:<36} {:>9} {:>8.1}ms {:>8.1}ms  {slope:.2}",
            texts[3].len(),
            times[0] * 1e3,
            times[3] * 1e3
        );
    }
    println!("worst exponent: {worst:.2} (target ≤ 1.2)");
}
