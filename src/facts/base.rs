//! What a `FROM` image is: official Python or not, version, variant, C library.

use dockerfile_parser::ImageRef;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    Full,
    Slim,
    Alpine,
    Distroless,
    /// Another stage of this Dockerfile (`FROM builder`).
    Stage,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Libc {
    Glibc,
    Musl,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Base {
    /// As written after FROM, with global ARG defaults substituted.
    pub text: String,
    pub image: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// `(3, 11)` for `python:3.11-slim`.
    pub python: Option<(u32, u32)>,
    pub variant: Variant,
    pub libc: Libc,
    pub official_python: bool,
}

impl Base {
    pub fn classify(image_text: &str, parsed: &ImageRef, is_stage: bool) -> Base {
        let image = parsed.image.trim_start_matches("library/").to_string();
        let registry = parsed.registry.as_deref();
        let tag = parsed.tag.clone();
        let official_python = image == "python"
            && matches!(registry, None | Some("docker.io") | Some("index.docker.io"));
        let tag_text = tag.as_deref().unwrap_or("");
        let distroless = image.contains("distroless/python");
        let variant = if is_stage {
            Variant::Stage
        } else if distroless {
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
        let libc = match variant {
            Variant::Alpine => Libc::Musl,
            Variant::Stage | Variant::Other if !matches!(image.as_str(), "debian" | "ubuntu") => {
                Libc::Unknown
            }
            _ => Libc::Glibc,
        };
        let python = if official_python {
            python_version(tag_text)
        } else if distroless {
            // gcr.io/distroless/python3-debian12 ships Debian 12's Python 3.11.
            image
                .strip_prefix("gcr.io/")
                .unwrap_or(&image)
                .contains("debian12")
                .then_some((3, 11))
        } else {
            None
        };
        Base {
            text: image_text.to_string(),
            image,
            tag: tag.filter(|t| !t.is_empty()),
            digest: parsed.hash.clone(),
            python,
            variant,
            libc,
            official_python,
        }
    }

    /// A tag other than `latest`, or a digest.
    pub fn is_pinned(&self) -> bool {
        self.digest.is_some()
            || self
                .tag
                .as_deref()
                .is_some_and(|t| t != "latest" && !t.starts_with("latest-"))
    }

    pub fn is_small(&self) -> bool {
        matches!(
            self.variant,
            Variant::Slim | Variant::Alpine | Variant::Distroless
        )
    }
}

fn python_version(tag: &str) -> Option<(u32, u32)> {
    let mut parts = tag.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(text: &str) -> Base {
        Base::classify(text, &ImageRef::parse(text), false)
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
        assert!(!base("python").is_pinned());
        assert!(!base("python:latest").is_pinned());
        assert!(
            base("python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
                .is_pinned()
        );
        assert!(!base("mypython:3.11").official_python);
    }
}
