//! Simplified and traditional characters, loaded once per process. Used by the 繁體 view, the
//! search index's folding and the report reader.
//!
//! Traditional to simplified is OpenCC's `T2s` (its TSPhrases and TSCharacters dictionaries,
//! kept in `data/opencc/`): at each character the longest dictionary key that starts there is
//! replaced by its first value. It is done here rather than through OpenCC's own converter
//! because the search index folds every text it indexes: OpenCC walks its dictionary at every
//! character, while almost every character of a simplified text starts no key at all, which a
//! bit per character answers. The output is the same (tested against OpenCC on every key).
//! Simplified to traditional (`S2t`, only the 繁體 view, whose pages are cached) stays OpenCC's.

use std::collections::HashMap;
use std::sync::OnceLock;

const TS_PHRASES: &str = include_str!("../data/opencc/TSPhrases.txt");
const TS_CHARACTERS: &str = include_str!("../data/opencc/TSCharacters.txt");

/// The `T2s` dictionaries, arranged to be looked up by the character a key starts with.
struct T2s {
    /// One bit per character of the Basic Multilingual Plane: does any key start with it?
    starts: Vec<u64>,
    /// Single characters and their simplified form.
    chars: HashMap<char, &'static str>,
    /// Keys of more than one character by their first character, longest first.
    phrases: HashMap<char, Vec<(&'static str, &'static str)>>,
}

/// `key<TAB>value [value…]` lines, `#` comments: each key with its first value.
fn entries(dict: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    dict.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(k, v)| Some((k, v.split(' ').next()?)))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
}

impl T2s {
    fn load() -> T2s {
        let mut t = T2s {
            starts: vec![0; 0x10000 / 64],
            chars: HashMap::new(),
            phrases: HashMap::new(),
        };
        // The dictionaries are one group in which the longest key wins and, between equal
        // keys, the phrases: the characters go in first so that a phrase entry replaces one.
        for (key, value) in entries(TS_CHARACTERS).chain(entries(TS_PHRASES)) {
            let mut cs = key.chars();
            let Some(first) = cs.next() else { continue };
            if (first as u32) < 0x10000 {
                t.starts[first as usize / 64] |= 1 << (first as usize % 64);
            }
            if cs.next().is_none() {
                t.chars.insert(first, value);
            } else {
                let list = t.phrases.entry(first).or_default();
                list.retain(|(k, _)| *k != key);
                list.push((key, value));
            }
        }
        for list in t.phrases.values_mut() {
            list.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        }
        t
    }

    fn may_start(&self, c: char) -> bool {
        match c as u32 {
            n if n < 0x80 => false,
            n if n < 0x10000 => self.starts[n as usize / 64] & (1 << (n % 64)) != 0,
            _ => self.chars.contains_key(&c) || self.phrases.contains_key(&c),
        }
    }

    fn convert(&self, s: &str) -> String {
        let Some(first) = s.char_indices().find(|(_, c)| self.may_start(*c)) else {
            return s.to_string();
        };
        let mut out = String::with_capacity(s.len());
        out.push_str(&s[..first.0]);
        let mut rest = &s[first.0..];
        while let Some(c) = rest.chars().next() {
            let width = c.len_utf8();
            if !self.may_start(c) {
                out.push(c);
                rest = &rest[width..];
                continue;
            }
            if let Some((key, value)) = self
                .phrases
                .get(&c)
                .and_then(|list| list.iter().find(|(k, _)| rest.starts_with(k)))
            {
                out.push_str(value);
                rest = &rest[key.len()..];
                continue;
            }
            match self.chars.get(&c) {
                Some(v) => out.push_str(v),
                None => out.push(c),
            }
            rest = &rest[width..];
        }
        out
    }
}

/// Simplified characters (`T2s`), nothing else changed.
pub fn to_simplified(s: &str) -> String {
    static T2S: OnceLock<T2s> = OnceLock::new();
    T2S.get_or_init(T2s::load).convert(s)
}

/// Traditional characters (`S2t`).
pub fn to_traditional(s: &str) -> String {
    static S2T: OnceLock<Option<ferrous_opencc::OpenCC>> = OnceLock::new();
    // The tables are compiled in; should they fail to load, text is left as it is.
    let cc = S2T.get_or_init(|| {
        ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2t).ok()
    });
    match cc {
        Some(cc) if !s.is_ascii() => cc.convert(s),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways() {
        assert_eq!(to_simplified("政府資訊公開"), "政府资讯公开");
        assert_eq!(to_traditional("政府信息公开"), "政府信息公開");
        assert_eq!(to_simplified("abc"), "abc");
        assert_eq!(to_simplified(""), "");
    }

    /// OpenCC's own `T2s`, the reference the converter here must agree with.
    fn opencc(s: &str) -> String {
        ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s)
            .expect("built-in T2s")
            .convert(s)
    }

    #[test]
    fn phrases_decide_over_characters() {
        // 乾 alone becomes 干, but 乾坤 is a phrase that keeps it; 瞭 likewise in 一目瞭然.
        assert_eq!(to_simplified("乾淨的乾坤"), "干净的乾坤");
        assert_eq!(to_simplified("一目瞭然，瞭望"), opencc("一目瞭然，瞭望"));
    }

    #[test]
    fn same_output_as_opencc_on_every_key_and_in_context() {
        let keys: Vec<&str> = entries(TS_PHRASES)
            .chain(entries(TS_CHARACTERS))
            .map(|(k, _)| k)
            .collect();
        assert!(keys.len() > 4_000, "{} keys", keys.len());
        // Each key alone and between other text; each with the next one run together (where
        // the longest match decides how overlapping keys are cut).
        let mut text = String::new();
        for (i, k) in keys.iter().enumerate() {
            let next = keys[(i + 1) % keys.len()];
            for s in [k.to_string(), format!("依{k}公开"), format!("{k}{next}")] {
                assert_eq!(to_simplified(&s), opencc(&s), "{s}");
            }
            text.push_str(k);
            text.push_str(if i % 3 == 0 { "，" } else { "" });
        }
        assert_eq!(to_simplified(&text), opencc(&text));
        // A traditional text as the 繁體 view makes it, and back.
        let hant = to_traditional(
            "第一条 为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，\
             建设法治政府，充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。",
        );
        assert_eq!(to_simplified(&hant), opencc(&hant));
    }
}
