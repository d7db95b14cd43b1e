//! parse + facts + grade, as the TUI runs it on every keystroke.
//! Targets (issue 2): ≤ 1 ms for the starter, ≤ 16 ms for a 5,000-line file.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use stagecraft::bench_input::large_dockerfile;
use stagecraft::grade::Analysis;
use stagecraft::pack::Pack;

fn grade(c: &mut Criterion) {
    let pack = Pack::embedded().expect("embedded pack");
    let starter = pack.starter.text.clone();
    let large = large_dockerfile(5000);
    // Issue 6: 4,000 chained stages, each inheriting the installs above it (target < 30 ms).
    let chained = stagecraft::bench_input::chained_stages(4000);
    c.bench_function("parse+grade starter", |b| {
        b.iter(|| Analysis::of(black_box(&starter), &pack))
    });
    c.bench_function("parse+grade 5000 lines", |b| {
        b.iter(|| Analysis::of(black_box(&large), &pack))
    });
    c.bench_function("parse+grade 4000 chained stages", |b| {
        b.iter(|| Analysis::of(black_box(&chained), &pack))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = grade
}
criterion_main!(benches);
