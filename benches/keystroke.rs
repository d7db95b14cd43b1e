//! One keystroke → re-grade → highlight → frame (TestBackend), and start-up to first frame.
//! Targets (issue 3): ≤ 1 ms (exercise file), ≤ 16 ms (5,000 lines), ≤ 50 ms to first frame.

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use stagecraft::bench_input::large_dockerfile;
use stagecraft::pack::Pack;
use stagecraft::tui::app::App;
use stagecraft::tui::storage::Progress;
use stagecraft::tui::ui;

fn keystroke(c: &mut Criterion, name: &str, text: &str) {
    let pack = Pack::embedded().expect("embedded pack");
    let mut app = App::new(pack, text, Progress::default(), None, false, true);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| {
            ui::draw(f, &mut app);
        })
        .unwrap();
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
            terminal
                .draw(|f| {
                    ui::draw(f, &mut app);
                })
                .unwrap();
        })
    });
}

fn benches(c: &mut Criterion) {
    let starter = Pack::embedded().unwrap().starter.text;
    keystroke(c, "keystroke exercise file", &starter);
    keystroke(c, "keystroke 5000 lines", &large_dockerfile(5000));
    c.bench_function("start-up to first frame", |b| {
        b.iter(|| {
            let pack = Pack::embedded().unwrap();
            let text = pack.starter.text.clone();
            let mut app = App::new(pack, &text, Progress::default(), None, false, true);
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            terminal
                .draw(|f| {
                    ui::draw(f, &mut app);
                })
                .unwrap();
        })
    });
}

criterion_group! {
    name = keystroke_benches;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(keystroke_benches);
