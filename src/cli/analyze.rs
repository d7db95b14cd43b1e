pub fn run(_: &super::Input, _: &crate::pack::Pack, _: super::Format) -> String { String::new() }
