//! stagecraft: an interactive terminal tutorial for Docker multi-stage builds.
//!
//! Data flows one way: pack YAML + Dockerfile text → [`syntax`] → [`facts`] → [`rules`] →
//! [`grade`] → views ([`report`], the CLI, the TUI).

#[doc(hidden)]
pub mod bench_input;
pub mod class;
pub mod cli;
pub mod compare;
pub mod facts;
pub mod fsio;
pub mod grade;
pub mod hints;
pub mod lsp;
pub mod pack;
pub mod report;
pub mod rule_doc;
pub mod rules;
pub mod shell;
pub mod syntax;
pub mod text;
pub mod tui;
pub mod ui_kit;
pub mod workspace;
