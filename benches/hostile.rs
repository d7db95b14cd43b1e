//! Hostile packs are refused fast. A pack.yaml of 160 KB of nested brackets took 10 s to
//! refuse when libyaml parsed it whole; the depth check stops at 32 levels. Compared with
//! loading the real pack and with a 1 MiB pack.yaml of shallow YAML (the size cap).

use std::fs;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

use stagecraft::pack::Pack;

fn pack_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pack.yaml"), text).unwrap();
    dir
}

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile packs");
    let n = 80_000;
    let deep = pack_with(&("[".repeat(n) + &"]".repeat(n)));
    group.bench_function("160 KB of nested brackets, refused", |b| {
        b.iter(|| Pack::from_dir(black_box(deep.path())).unwrap_err())
    });
    let deep_maps = pack_with(&"{a: ".repeat(n));
    group.bench_function("320 KB of nested flow maps, refused", |b| {
        b.iter(|| Pack::from_dir(black_box(deep_maps.path())).unwrap_err())
    });
    // Just under the 1 MiB cap: a flat list, parsed and then refused by the schema.
    let flat = "lessons: [".to_string() + &"a, ".repeat(349_000) + "a]\n";
    let wide = pack_with(&flat);
    group.bench_function("1 MiB flat list, refused by the schema", |b| {
        b.iter(|| Pack::from_dir(black_box(wide.path())).unwrap_err())
    });
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    group.bench_function("the real pack, loaded and validated", |b| {
        b.iter(|| Pack::open(Some(black_box(&lessons))).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = hostile
}
criterion_main!(benches);
