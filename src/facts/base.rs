//! What a `FROM` image is: official Python or not, version, variant, C library, and whether
//! its tag pins the Python version.

use dockerfile_parser::ImageRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Full,
    Slim,
    Alpine,
    Distroless,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Libc {
    Glibc,
    Musl,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// As written after FROM, with global ARG defaults substituted.
    pub text: String,
    pub image: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// `(3, 11)` for `python:3.11-slim`; the version a distroless image's name fixes.
    pub python: Option<(u32, u32)>,
    pub variant: Variant,
    pub libc: Libc,
    pub official_python: bool,
    /// Runs as a non-root user without a USER line (distroless `:nonroot`).
    pub nonroot: bool,
    /// The Python the distribution's `python3` package gives, for a Debian or Ubuntu image
    /// whose tag fixes the release (`debian:12` 3.11, `ubuntu:22.04` 3.10): a stage that
    /// installs it runs that Python.
    pub distro_python: Option<(u32, u32)>,
}

impl Base {
    pub fn classify(image_text: &str, parsed: &ImageRef) -> Base {
        // `name:tag@digest`: the crate keeps the tag inside the name when a digest follows.
        let (parsed, digest) = match image_text.split_once('@') {
            Some((name, digest)) => (ImageRef::parse(name), Some(digest.to_string())),
            None => (parsed.clone(), parsed.hash.clone()),
        };
        let image = parsed.image.trim_start_matches("library/").to_string();
        let registry = parsed.registry.as_deref();
        let tag = parsed.tag.clone().filter(|t| !t.is_empty());
        let official_python = image == "python"
            && matches!(registry, None | Some("docker.io") | Some("index.docker.io"));
        let tag_text = tag.as_deref().unwrap_or("");
        let distroless = image.contains("distroless/python");
        let variant = if distroless {
            Variant::Distroless
        } else if tag_text.contains("alpine") || image == "alpine" {
            Variant::Alpine
        } else if tag_text.contains("slim") {
            Variant::Slim
        } else if official_python {
            Variant::Full
        } else {
            Variant::Other
        };
        // A tag naming a Debian release (`python3.12-bookworm-slim`) says glibc.
        let debian_tag = ["bookworm", "bullseye", "buster", "trixie"]
            .iter()
            .any(|r| tag_text.contains(r));
        let libc = match variant {
            Variant::Alpine => Libc::Musl,
            Variant::Other if !matches!(image.as_str(), "debian" | "ubuntu") && !debian_tag => {
                Libc::Unknown
            }
            _ => Libc::Glibc,
        };
        let python = if official_python {
            python_version(tag_text)
        } else if distroless {
            distroless_python(&image)
        } else if image.ends_with("astral-sh/uv") {
            // uv's images with Python: `ghcr.io/astral-sh/uv:python3.12-bookworm-slim`.
            tag_text.strip_prefix("python").and_then(python_version)
        } else {
            None
        };
        let distro_python = distro_python(&image, tag_text);
        Base {
            text: image_text.to_string(),
            nonroot: distroless && tag_text.starts_with("nonroot"),
            image,
            tag,
            digest,
            python,
            variant,
            libc,
            official_python,
            distro_python,
        }
    }

    /// The same image every build: a digest, or a tag that fixes the Python minor version
    /// (`3.11`, `3.11.9-slim`); for distroless, a name that fixes it (`python3-debian12`).
    /// `latest`, `3`, `slim` and `alpine3.19` move.
    pub fn is_pinned(&self) -> bool {
        self.digest.is_some() || self.python.is_some()
    }

    /// Whether the image's own users and groups are known (Debian, Alpine and Python
    /// images, distroless); another image may have any.
    pub fn known_accounts(&self) -> bool {
        self.official_python
            || self.variant == Variant::Distroless
            || matches!(
                self.image.as_str(),
                "debian" | "ubuntu" | "alpine" | "busybox"
            )
    }

    pub fn is_small(&self) -> bool {
        matches!(
            self.variant,
            Variant::Slim | Variant::Alpine | Variant::Distroless
        )
    }

    /// `python:3.11-slim`, `python 3.11`, for messages.
    pub fn python_label(&self) -> Option<String> {
        self.python.map(|(a, b)| format!("{a}.{b}"))
    }
}

/// `3.11-slim` → (3, 11). The tag must start with the version: `alpine3.19` names Alpine's
/// version, not Python's, and `3` alone does not fix the minor version.
fn python_version(tag: &str) -> Option<(u32, u32)> {
    let mut parts = tag.splitn(3, '.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor_text: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor_text.parse().ok()?))
}

/// The `python3` of a Debian or Ubuntu release, by the tag that names the release
/// (`12`, `12.5-slim`, `bookworm-slim`, `22.04`, `jammy-20240101`).
fn distro_python(image: &str, tag: &str) -> Option<(u32, u32)> {
    let release = tag
        .split(['-', '@'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let major = release.split('.').next().unwrap_or("");
    match image.rsplit('/').next().unwrap_or(image) {
        "debian" => match (major, release.as_str()) {
            ("10", _) | (_, "buster") => Some((3, 7)),
            ("11", _) | (_, "bullseye") => Some((3, 9)),
            ("12", _) | (_, "bookworm") => Some((3, 11)),
            ("13", _) | (_, "trixie") => Some((3, 13)),
            _ => None,
        },
        "ubuntu" => match release.as_str() {
            "18.04" | "bionic" => Some((3, 6)),
            "20.04" | "focal" => Some((3, 8)),
            "22.04" | "jammy" => Some((3, 10)),
            "24.04" | "noble" | "24.10" | "oracular" => Some((3, 12)),
            "25.04" | "plucky" => Some((3, 13)),
            _ => None,
        },
        _ => None,
    }
}

/// Debian's Python in each distroless Python image.
fn distroless_python(image: &str) -> Option<(u32, u32)> {
    let name = image.rsplit('/').next().unwrap_or(image);
    match name {
        "python3-debian10" => Some((3, 7)),
        "python3-debian11" => Some((3, 9)),
        "python3-debian12" => Some((3, 11)),
        "python3-debian13" => Some((3, 13)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(text: &str) -> Base {
        Base::classify(text, &ImageRef::parse(text))
    }

    #[test]
    fn classifies_python_images() {
        let b = base("python:3.11-slim-bookworm");
        assert!(b.official_python && b.is_pinned() && b.is_small());
        assert_eq!(
            (b.python, b.variant, b.libc),
            (Some((3, 11)), Variant::Slim, Libc::Glibc)
        );
        let b = base("python:3.12.1-alpine3.19");
        assert_eq!(
            (b.python, b.variant, b.libc),
            (Some((3, 12)), Variant::Alpine, Libc::Musl)
        );
        let b = base("docker.io/library/python:3.11");
        assert!(b.official_python);
        assert_eq!(b.variant, Variant::Full);
        assert!(!base("mypython:3.11").official_python);
    }

    #[test]
    fn only_tags_that_fix_the_minor_version_pin() {
        for moving in [
            "python",
            "python:latest",
            "python:3",
            "python:slim",
            "python:alpine3.19",
            "python:3-slim",
        ] {
            assert!(!base(moving).is_pinned(), "{moving}");
        }
        for pinned in [
            "python:3.11",
            "python:3.11.9-slim-bookworm",
            "python:3.11-alpine",
        ] {
            assert!(base(pinned).is_pinned(), "{pinned}");
        }
    }

    #[test]
    fn digests() {
        let d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let b = base(&format!("python:3.11-slim@{d}"));
        assert!(b.official_python && b.is_pinned() && b.is_small());
        assert_eq!(b.python, Some((3, 11)));
        let b = base(&format!("python:3.9@{d}"));
        assert!(b.official_python);
        assert_eq!((b.python, b.variant), (Some((3, 9)), Variant::Full));
        assert!(base(&format!("python@{d}")).is_pinned());
    }

    #[test]
    fn uv_images_name_their_python() {
        let b = base("ghcr.io/astral-sh/uv:python3.12-bookworm-slim");
        assert_eq!(
            (b.python, b.libc, b.official_python),
            (Some((3, 12)), Libc::Glibc, false)
        );
        let b = base("ghcr.io/astral-sh/uv:python3.11-bookworm");
        assert_eq!((b.python, b.libc), (Some((3, 11)), Libc::Glibc));
        assert_eq!(
            base("ghcr.io/astral-sh/uv:python3.12-alpine").libc,
            Libc::Musl
        );
        assert_eq!(base("ghcr.io/astral-sh/uv:latest").python, None);
    }

    #[test]
    fn distribution_releases_fix_their_python3() {
        for (text, python) in [
            ("debian:12", Some((3, 11))),
            ("debian:bookworm-slim", Some((3, 11))),
            ("debian:11.9-slim", Some((3, 9))),
            ("ubuntu:22.04", Some((3, 10))),
            ("ubuntu:24.04", Some((3, 12))),
            ("ubuntu:noble-20240429", Some((3, 12))),
            ("debian", None),
            ("ubuntu:latest", None),
            ("python:3.11", None),
        ] {
            assert_eq!(base(text).distro_python, python, "{text}");
        }
        // Not a Python until the stage installs one.
        assert_eq!(base("debian:12").python, None);
    }

    #[test]
    fn distroless_names_fix_python() {
        let b = base("gcr.io/distroless/python3-debian11:nonroot");
        assert_eq!(
            (b.python, b.variant, b.nonroot),
            (Some((3, 9)), Variant::Distroless, true)
        );
        let b = base("gcr.io/distroless/python3-debian12");
        assert_eq!((b.python, b.nonroot), (Some((3, 11)), false));
        assert!(!base("gcr.io/distroless/python3").is_pinned());
    }
}
