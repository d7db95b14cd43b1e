//! What the terminal views share (the tutorial and `class watch`): key names and the theme.
//! It knows neither view.

pub mod keys;
mod theme;

pub use theme::{Theme, local_hh_mm};
