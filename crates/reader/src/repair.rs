//! Text as reports are really found: bytes in UTF-8 or GBK, UTF-8 text that was decoded as GBK
//! on the way (mojibake, sometimes with bytes lost), pinyin glosses after characters
//! (`區(qū)`), traditional characters. Each repair is counted so the reader can say what it did.

use gongkai_core::script::to_simplified;
use std::sync::OnceLock;

#[derive(Debug, Default, Clone, serde::Serialize, PartialEq)]
pub struct Repairs {
    /// The bytes were GBK, not UTF-8.
    pub gbk_bytes: bool,
    /// Garbled passages turned back into the text they were.
    pub mojibake_fixed: usize,
    /// Characters of garbled passages whose bytes were lost (shown as `?` or `\u{FFFD}`).
    pub characters_lost: usize,
    /// Pinyin glosses removed.
    pub glosses_removed: usize,
    /// The text was in traditional characters.
    pub traditional: bool,
}

/// Bytes to text: UTF-8 (with or without BOM), else GBK.
pub fn decode(bytes: &[u8], repairs: &mut Repairs) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
            if had_errors {
                String::from_utf8_lossy(bytes).into_owned()
            } else {
                repairs.gbk_bytes = true;
                text.into_owned()
            }
        }
    }
}

/// Characters that UTF-8 Chinese turns into when read as GBK: the lead bytes E4–E9 and the
/// punctuation block EF BC / E3 80 make these GBK characters. Ordinary text rarely has them.
const MOJIBAKE_MARKS: &str = "锛銆鈥涓浜鍙鐨鏈鍏鍦鎴鎵鏂鏃鏄鏉鏍鐢鐩绋缁缂缃缍缓绗绠绛閮閲闂闄闅闆闈瀵宸寤寮鍚鍛鍜鍝鍞鍟鍠鍣鍤鍥鍧鍩鍫鍮鍱鍲鍵鍷鍸鍹鍺鍼鍽鍾鍿";

/// A character that marks a garbled passage: one of the frequent garbled forms, or
/// bopomofo (which GBK bytes of （ and ） turn into when read one byte off).
fn is_mark(c: char) -> bool {
    MOJIBAKE_MARKS.contains(c) || ('\u{3105}'..='\u{312F}').contains(&c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2018..=0x201F)
}

/// How much a candidate repair reads like real text: the share of its characters (after
/// folding to simplified) that are common Han characters (GB2312 level 1), CJK punctuation
/// or ASCII letters and digits.
fn plausibility(s: &str) -> (f64, usize) {
    let simplified = to_simplified(s);
    let mut good = 0;
    let mut total = 0;
    let mut lost = 0;
    for c in simplified.chars() {
        total += 1;
        if c == '\u{FFFD}' {
            lost += 1;
            continue;
        }
        let common = if c.is_ascii_alphanumeric() || "（）、，。：；“”《》()".contains(c)
        {
            true
        } else {
            let mut buf = [0u8; 4];
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
            !unmappable && bytes.len() == 2 && (0xB0..=0xD7).contains(&bytes[0])
        };
        if common {
            good += 1;
        }
    }
    (good as f64 / total.max(1) as f64, lost)
}

/// The ways a garbled passage may have come about, undone: UTF-8 read as GBK, or GBK read
/// from the wrong byte (a byte lost or added before it).
fn candidates(window: &str) -> Vec<String> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(window);
    if unmappable {
        return Vec::new();
    }
    let mut out = vec![String::from_utf8_lossy(&bytes).into_owned()];
    for drop in 1..=2 {
        if bytes.len() > drop + 1 {
            let (text, _, _) = encoding_rs::GBK.decode(&bytes[drop..]);
            out.push(text.into_owned());
        }
    }
    out
}

/// Find garbled runs in a line and decode them back where the bytes allow.
fn fix_line(line: &str, repairs: &mut Repairs) -> String {
    if !line.chars().any(is_mark) {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        // A run starts at a marked character (or a lost byte `?` right before one).
        let starts = is_mark(chars[i])
            || (chars[i] == '?' && chars.get(i + 1).is_some_and(|c| !c.is_ascii()));
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut best: Option<(usize, String, usize)> = None;
        let limit = (i + 60).min(chars.len());
        'windows: for end in ((i + 2)..=limit).rev() {
            let window: String = chars[i..end].iter().collect();
            let (before, _) = plausibility(&window);
            for c in candidates(&window) {
                let (score, lost) = plausibility(&c);
                let n = c.chars().count();
                if n >= 2 && lost <= 1 && score >= 0.85 && score > before && c != window {
                    best = Some((end, c, lost));
                    break 'windows;
                }
            }
        }
        match best {
            Some((end, decoded, lost)) => {
                repairs.mojibake_fixed += 1;
                repairs.characters_lost += lost;
                out.push_str(&decoded.replace('\u{FFFD}', "□"));
                i = end;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Remove pinyin glosses after characters: `區(qū)` → `區`.
fn strip_glosses(text: &str, repairs: &mut Repairs) -> String {
    static GLOSS: OnceLock<regex::Regex> = OnceLock::new();
    let re = GLOSS.get_or_init(|| {
        regex::Regex::new(r"([\p{Han}])[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[1-5]?)[)）]")
            .expect("valid gloss pattern")
    });
    let mut n = 0;
    let out = re.replace_all(text, |c: &regex::Captures| {
        n += 1;
        c[1].to_string()
    });
    repairs.glosses_removed += n;
    out.into_owned()
}

/// Every repair, in order: mojibake (before anything changes the bytes it came from), glosses,
/// traditional to simplified, full-width digits to ASCII.
pub fn normalise(text: &str, repairs: &mut Repairs) -> String {
    let fixed: Vec<String> = text.lines().map(|l| fix_line(l, repairs)).collect();
    let text = strip_glosses(&fixed.join("\n"), repairs);
    let simplified = to_simplified(&text);
    if simplified != text {
        let changed = simplified
            .chars()
            .zip(text.chars())
            .filter(|(a, b)| a != b)
            .count();
        repairs.traditional = changed * 50 > text.chars().filter(|c| is_cjk(*c)).count().max(1);
    }
    simplified
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFF10 + '0' as u32).unwrap_or(c),
            '\u{00A0}' | '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_read_as_gbk_is_turned_back() {
        let original = "（一）主动公开方面";
        let (garbled, _, _) = encoding_rs::GBK.decode(original.as_bytes());
        let mut r = Repairs::default();
        assert_eq!(normalise(&garbled, &mut r), original);
        assert_eq!(r.mojibake_fixed, 1);
    }

    #[test]
    fn glosses_and_traditional() {
        let mut r = Repairs::default();
        assert_eq!(
            normalise("番禺區(qū)政務(wù)公開", &mut r),
            "番禺区政务公开"
        );
        assert_eq!(r.glosses_removed, 2);
        assert!(r.traditional);
    }

    #[test]
    fn gbk_bytes_are_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("政府信息公开");
        let mut r = Repairs::default();
        assert_eq!(decode(&bytes, &mut r), "政府信息公开");
        assert!(r.gbk_bytes);
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let mut r = Repairs::default();
        let s = "本机关共收到政府信息公开申请455件，上年结转9件。";
        assert_eq!(normalise(s, &mut r), s);
        assert_eq!(r, Repairs::default());
    }
}
