//! Text preparation shared by indexing and querying: 繁简 folding, the two tokenizers
//! (jieba words and character bigrams), plain text out of HTML, and snippets.

use std::sync::{Arc, OnceLock};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Words of the disclosure trade that jieba's general dictionary cuts apart.
pub const USER_WORDS: &[&str] = &[
    "政府信息公开",
    "政务公开",
    "主动公开",
    "依申请公开",
    "不予公开",
    "部分公开",
    "予以公开",
    "信息公开",
    "公开指南",
    "公开目录",
    "年度报告",
    "政策解读",
    "热点回应",
    "保密审查",
    "三审三校",
    "信息处理费",
    "规范性文件",
    "重点领域",
    "行政复议",
    "行政诉讼",
    "复议后起诉",
    "行政许可",
    "行政处罚",
    "行政强制",
    "不动产登记",
    "个人信息保护",
    "工作日",
    "营商环境",
    "政府网站",
    "政务新媒体",
    "一网通办",
    "最多跑一次",
    "双随机一公开",
    "放管服",
    "统一社会信用代码",
    "索引号",
    "文号",
    "答复书",
    "延期答复",
    "征求意见",
    "征集调查",
    "在线访谈",
    "六稳",
    "六保",
    "疫情防控",
    "乡村振兴",
    "食品安全",
];

pub use gongkai_core::script::{to_simplified, to_traditional};

/// Simplified characters, half-width ASCII, lower case: the one form text is indexed and
/// queried in, so that 資訊公開 and 资讯公开, ＡＢＣ and abc find the same items.
pub fn fold(s: &str) -> String {
    let mut narrow = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        // CJK punctuation, kana and ideographs have no case: skip the case tables for them.
        if ('\u{3000}'..='\u{9FFF}').contains(&c) {
            narrow.push(c);
        } else {
            narrow.extend(c.to_lowercase());
        }
    }
    to_simplified(&narrow)
}

/// The dictionary: jieba's own words and the disclosure terms.
pub fn jieba() -> Arc<jieba_rs::Jieba> {
    static JIEBA: OnceLock<Arc<jieba_rs::Jieba>> = OnceLock::new();
    JIEBA
        .get_or_init(|| {
            let mut j = jieba_rs::Jieba::new();
            for w in USER_WORDS {
                j.add_word(w, Some(20_000), None);
            }
            Arc::new(j)
        })
        .clone()
}

/// The words of a (folded) text, whitespace and punctuation left out: jieba's search mode,
/// so a long word also yields the words inside it (政府信息公开 → 政府, 信息, 公开, 信息公开 …).
pub fn words(text: &str) -> Vec<(usize, usize, &str)> {
    jieba()
        .cut_for_search(text, false)
        .into_iter()
        .filter(|t| has_letter(t.word))
        .map(|t| (t.byte_start, t.byte_end, t.word))
        .collect()
}

/// Whether a word has a letter or digit in it (not only spaces and punctuation). Most words
/// begin with a common ideograph, which answers without Unicode's tables.
fn has_letter(word: &str) -> bool {
    word.chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric())
}

/// The words of a query: jieba's default cut (the longest words), each of which the search
/// mode put in the index.
pub fn query_words(text: &str) -> Vec<&str> {
    jieba()
        .cut(text, false)
        .into_iter()
        .filter(|t| has_letter(t.word))
        .map(|t| t.word)
        .collect()
}

/// Character bigrams of a (folded) text: one token per character, the character with the one
/// after it; the last character of a run (up to whitespace) stands alone. A string occurs in
/// the text exactly when its bigrams occur at consecutive positions, so a phrase of bigrams
/// finds every item that contains the string however the words fall.
pub fn grams(text: &str) -> Vec<(usize, usize, String)> {
    let mut tokenizer = GramTokenizer;
    let mut s = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while s.advance() {
        let t = s.token();
        out.push((t.offset_from, t.offset_to, t.text.clone()));
    }
    out
}

/// Tantivy tokenizer over [`words`].
#[derive(Clone, Default)]
pub struct WordTokenizer;

/// Tantivy tokenizer over [`grams`].
#[derive(Clone, Default)]
pub struct GramTokenizer;

/// The words of one text, handed to the index one at a time in one reused token.
pub struct WordStream<'a> {
    words: std::vec::IntoIter<(usize, usize, &'a str)>,
    next_position: usize,
    token: Token,
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some((from, to, word)) = self.words.next() else {
            return false;
        };
        let t = &mut self.token;
        t.offset_from = from;
        t.offset_to = to;
        t.position = self.next_position;
        t.text.clear();
        t.text.push_str(word);
        self.next_position += 1;
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The bigrams of one text, made as the index asks for them (no list of every token first:
/// a large body has a token per character).
pub struct GramStream<'a> {
    text: &'a str,
    at: usize,
    next_position: usize,
    token: Token,
}

impl TokenStream for GramStream<'_> {
    fn advance(&mut self) -> bool {
        let mut rest = self.text[self.at..].chars();
        while let Some(c) = rest.next() {
            let from = self.at;
            self.at += c.len_utf8();
            if c.is_whitespace() {
                continue;
            }
            let to = match rest.next() {
                Some(n) if !n.is_whitespace() => self.at + n.len_utf8(),
                _ => self.at,
            };
            let t = &mut self.token;
            t.offset_from = from;
            t.offset_to = to;
            t.position = self.next_position;
            t.text.clear();
            t.text.push_str(&self.text[from..to]);
            self.next_position += 1;
            return true;
        }
        false
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            words: words(text).into_iter(),
            next_position: 0,
            token: Token::default(),
        }
    }
}

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = GramStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> GramStream<'a> {
        GramStream {
            text,
            at: 0,
            next_position: 0,
            token: Token::default(),
        }
    }
}

/// The text of a sanitised HTML body: the one reading shared with the personal-data scan.
pub use gongkai_core::html::plain_text;

/// A short passage of `text` around the first place one of the (folded) `terms` occurs, the
/// occurrences marked with `<mark>`, everything else HTML-escaped. The passage is taken from
/// the text as published; when the terms occur only after folding (a traditional text), from
/// the folded text.
pub fn snippet(text: &str, terms: &[String], width: usize) -> String {
    let folded;
    let source = if terms.iter().any(|t| text.contains(t.as_str())) {
        text
    } else {
        folded = fold(text);
        &folded
    };
    let chars: Vec<char> = source.chars().collect();
    let lower: Vec<char> = source.chars().flat_map(char::to_lowercase).collect();
    let lower = if lower.len() == chars.len() {
        lower
    } else {
        chars.clone()
    };
    let patterns: Vec<Vec<char>> = terms
        .iter()
        .map(|t| t.chars().collect::<Vec<_>>())
        .filter(|t| !t.is_empty())
        .collect();
    let mut marks = vec![false; chars.len()];
    let mut first = None;
    for p in &patterns {
        let mut i = 0;
        while i + p.len() <= lower.len() {
            if lower[i..i + p.len()] == p[..] {
                first = Some(first.map_or(i, |f: usize| f.min(i)));
                marks[i..i + p.len()].iter_mut().for_each(|m| *m = true);
                i += p.len();
            } else {
                i += 1;
            }
        }
    }
    let start = first.map_or(0, |f| f.saturating_sub(width / 4));
    let end = (start + width).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut open = false;
    for i in start..end {
        let c = if chars[i].is_whitespace() {
            ' '
        } else {
            chars[i]
        };
        if marks[i] && !open {
            out.push_str("<mark>");
            open = true;
        } else if !marks[i] && open {
            out.push_str("</mark>");
            open = false;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// The key a document number is looked up by: no spaces, folded, and the year in 〔〕
/// whichever brackets were typed (〔〕 [] ［］ 【】 ()).
pub fn doc_number_key(s: &str) -> String {
    fold(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '［' | '【' | '(' | '（' | '〔' => '〔',
            ']' | '］' | '】' | ')' | '）' | '〕' => '〕',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_traditional_and_full_width_one_form() {
        assert_eq!(fold("政府資訊公開"), "政府资讯公开");
        assert_eq!(fold("ＡＢＣ１２"), "abc12");
        assert_eq!(fold("番府〔2021〕12号"), "番府〔2021〕12号");
    }

    #[test]
    fn bigrams_cover_every_character() {
        let g: Vec<String> = grams("五个工作日内 办结")
            .into_iter()
            .map(|t| t.2)
            .collect();
        assert_eq!(
            g,
            ["五个", "个工", "工作", "作日", "日内", "内", "办结", "结"]
        );
    }

    #[test]
    fn user_words_stay_whole() {
        let w: Vec<&str> = words("申请人依申请公开政府信息")
            .into_iter()
            .map(|t| t.2)
            .collect();
        assert!(w.contains(&"依申请公开"), "{w:?}");
    }

    #[test]
    fn plain_text_drops_tags_and_decodes() {
        assert_eq!(
            plain_text("<p>第一条&nbsp;为了&lt;规范&gt;</p><p>第二条</p>"),
            "第一条 为了<规范>\n第二条"
        );
    }

    #[test]
    fn snippets_mark_terms_and_escape_the_rest() {
        let s = snippet("前文<b>很长。食品安全是大事", &["食品安全".to_string()], 30);
        assert!(s.contains("<mark>食品安全</mark>"), "{s}");
        assert!(s.contains("&lt;b&gt;"), "{s}");
        let t = snippet("政府資訊公開辦法", &["资讯公开".to_string()], 20);
        assert!(t.contains("<mark>资讯公开</mark>"), "{t}");
    }

    #[test]
    fn document_numbers_match_whatever_brackets() {
        assert_eq!(doc_number_key("番府[2021] 12号"), "番府〔2021〕12号");
        assert_eq!(doc_number_key("番府（2021）12号"), "番府〔2021〕12号");
    }
}
