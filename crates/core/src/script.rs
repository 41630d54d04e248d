//! Simplified and traditional characters (OpenCC's built-in `T2s` and `S2t` tables: characters
//! and phrases, no regional vocabulary), loaded once per process. Used by the 繁體 view, the
//! search index's folding and the report reader.

use std::sync::OnceLock;

fn converter(
    cell: &'static OnceLock<Option<ferrous_opencc::OpenCC>>,
    config: ferrous_opencc::config::BuiltinConfig,
) -> Option<&'static ferrous_opencc::OpenCC> {
    // The tables are compiled in; should they fail to load, text is left as it is.
    cell.get_or_init(|| ferrous_opencc::OpenCC::from_config(config).ok())
        .as_ref()
}

/// Simplified characters (`T2s`), nothing else changed.
pub fn to_simplified(s: &str) -> String {
    static T2S: OnceLock<Option<ferrous_opencc::OpenCC>> = OnceLock::new();
    match converter(&T2S, ferrous_opencc::config::BuiltinConfig::T2s) {
        Some(cc) if !s.is_ascii() => cc.convert(s),
        _ => s.to_string(),
    }
}

/// Traditional characters (`S2t`).
pub fn to_traditional(s: &str) -> String {
    static S2T: OnceLock<Option<ferrous_opencc::OpenCC>> = OnceLock::new();
    match converter(&S2T, ferrous_opencc::config::BuiltinConfig::S2t) {
        Some(cc) if !s.is_ascii() => cc.convert(s),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_ways() {
        assert_eq!(super::to_simplified("政府資訊公開"), "政府资讯公开");
        assert_eq!(super::to_traditional("政府信息公开"), "政府信息公開");
        assert_eq!(super::to_simplified("abc"), "abc");
    }
}
