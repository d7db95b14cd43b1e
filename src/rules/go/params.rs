//! The Go exercise's values the Go rules read: they come from the pack's `parameters`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GoParams {
    /// go.mod's module path: `go build` without -o and `go install` name the binary after
    /// its last element (`example.com/lab` builds `lab`).
    pub module: String,
    /// The port the app listens on when the address variable is unset.
    pub port: u16,
    /// The environment variable the app reads its listening address from.
    pub addr_variable: String,
    /// The app's files, written beside the learner's Dockerfile; every one but go.mod and
    /// go.sum is source, which belongs after `go mod download`.
    pub app_files: Vec<String>,
    /// Whether the app has a go.sum (it has one once go.mod requires a module). Without
    /// one, a COPY that names go.sum stops the build.
    pub go_sum: bool,
}

impl Default for GoParams {
    /// The Go exercise's values (go/starter).
    fn default() -> Self {
        GoParams {
            module: "example.com/lab".into(),
            port: 8080,
            addr_variable: "ADDR".into(),
            app_files: vec!["main.go".into(), "main_test.go".into(), "go.mod".into()],
            go_sum: false,
        }
    }
}

impl GoParams {
    /// What `go build .` names the binary.
    pub fn binary_name(&self) -> String {
        crate::facts::go::binary_name(".", &self.module)
    }
}
