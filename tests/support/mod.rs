//! Helpers shared by the class tests.
#![allow(dead_code)]

pub mod pty;
