//! Time as the learner's files record it and as an instructor reads it.

use std::time::SystemTime;

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A span of seconds as an instructor reads it: `45 s`, `12 min`, `3 h 05`.
pub fn span(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        _ => format!("{} h {:02}", secs / 3600, secs % 3600 / 60),
    }
}
