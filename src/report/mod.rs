//! What the views show beyond grading: estimated sizes and the stage diagram. Both are
//! derived from facts, and used by `analyze` and the TUI alike.

pub mod diagram;
pub mod sizes;
