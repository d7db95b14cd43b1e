//! One keystroke → re-grade → highlight → frame (TestBackend), and start-up to first frame.
//! Targets (issue 3): ≤ 1 ms (exercise file), ≤ 16 ms (5,000 lines), ≤ 50 ms to first frame.
//! Issue 11: any input up to 1 MiB reaches its first frame in under a second, including
//! one whose image name is a single 600 KB word.

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stagecraft::bench_input::{huge_word_dockerfile, large_dockerfile};
use stagecraft::pack::Pack;
use stagecraft::tui::app::App;
use stagecraft::tui::ui;
use stagecraft::workspace::Progress;

fn first_frame(text: &str) {
    let pack = Pack::embedded().unwrap();
    let mut app = App::new(pack, text, Progress::default(), None, false, true);
    app.resize(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| ui::draw(f, &app)).unwrap();
}

fn keystroke(c: &mut Criterion, name: &str, text: &str) {
    let pack = Pack::embedded().expect("embedded pack");
    let mut app = App::new(pack, text, Progress::default(), None, false, true);
    app.resize(120, 40);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| ui::draw(f, &app)).unwrap();
    let mut typed = 0u32;
    c.bench_function(name, |b| {
        b.iter(|| {
            // Alternate typing and deleting so the file stays the same size.
            let code = if typed.is_multiple_of(2) {
                KeyCode::Char('x')
            } else {
                KeyCode::Backspace
            };
            typed += 1;
            app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
            terminal.draw(|f| ui::draw(f, &app)).unwrap();
        })
    });
}

fn benches(c: &mut Criterion) {
    let starter = Pack::embedded().unwrap().starter.text;
    keystroke(c, "keystroke exercise file", &starter);
    keystroke(c, "keystroke 5000 lines", &large_dockerfile(5000));
    let huge = huge_word_dockerfile(600_000);
    keystroke(c, "keystroke 600 KB image name", &huge);
    c.bench_function("start-up to first frame", |b| {
        b.iter(|| first_frame(&starter))
    });
    c.bench_function("first frame 600 KB image name", |b| {
        b.iter(|| first_frame(&huge))
    });
    let mib = large_dockerfile(32_100);
    assert!(mib.len() >= 1 << 20, "{} bytes", mib.len());
    c.bench_function("first frame 1 MiB of lines", |b| {
        b.iter(|| first_frame(&mib))
    });
}

criterion_group! {
    name = keystroke_benches;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(keystroke_benches);
