//! The values that belong to an exercise, not to the rules: they come from the pack YAML.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WsgiServer {
    /// The program the command runs (`gunicorn`, `waitress-serve`, `uwsgi`).
    pub command: String,
    /// The pip package that provides it; the server counts only if requirements list it.
    pub package: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// System packages the build stage needs to compile wheels.
    pub build_packages: Vec<String>,
    /// The port the app must listen on.
    pub port: u16,
    /// What the WSGI server is told to serve (`module:object`).
    pub app_module: String,
    /// The app's source files, copied by name into the final stage.
    pub app_files: Vec<String>,
    /// The requirements file name.
    pub requirements_file: String,
    /// Package names listed in the requirements file; filled from the file when the pack loads.
    #[serde(skip_deserializing)]
    pub requirements: Vec<String>,
    pub wsgi_servers: Vec<WsgiServer>,
    /// The Go exercise's values, for the Go rules (until packs declare their stack and
    /// carry one stack's parameters).
    pub go: super::go::GoParams,
}

impl Default for Params {
    /// The Flask exercise's values.
    fn default() -> Self {
        let server = |command: &str, package: &str| WsgiServer {
            command: command.into(),
            package: package.into(),
        };
        Params {
            build_packages: vec!["gcc".into(), "g++".into()],
            port: 5000,
            app_module: "app:app".into(),
            app_files: vec!["app.py".into()],
            requirements_file: "requirements.txt".into(),
            requirements: ["flask", "pandas", "matplotlib", "numpy", "gunicorn"]
                .map(String::from)
                .to_vec(),
            wsgi_servers: vec![
                server("gunicorn", "gunicorn"),
                server("waitress-serve", "waitress"),
                server("uwsgi", "uwsgi"),
            ],
            go: super::go::GoParams::default(),
        }
    }
}

impl Params {
    /// The servers the exercise's requirements actually provide.
    pub fn available_servers(&self) -> impl Iterator<Item = &WsgiServer> {
        self.wsgi_servers.iter().filter(|s| {
            self.requirements
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&s.package))
        })
    }
}
