//! The report reader (年报体检): reads a published annual report — an HTML page, plain text
//! (also as PDF extractors leave it: cells column by column, wrapped, or run together), or a
//! PDF — repairs what the bytes allow, extracts the year, the unit, the three tables and the
//! figures stated in the prose, and says what is wrong: identities of the format that do not
//! hold, prose that disagrees with the tables, missing sections, tables or rows, numbers that
//! can be split more than one way, and carry-over between years of the same unit.
//!
//! It shares the labels and the identity checks with the report gongkai writes
//! (`gongkai_core::report`), so what it reads has the same structure as the report JSON.

pub mod repair;

use gongkai_core::report::{
    Decisions, Format, TABLE3_COLUMNS, TABLE4_COLUMNS, Table3, Table4, check, table2, table3,
};
use regex::Regex;
use repair::Repairs;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Something wrong with a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// `identity`, `carry_over`, `prose_mismatch`, `missing_section`, `missing_table`,
    /// `missing_row`, `ambiguous`, `unreadable`, `repair`.
    pub kind: String,
    pub message: String,
}

fn problem(kind: &str, message: String) -> Problem {
    Problem {
        kind: kind.into(),
        message,
    }
}

/// What was read from one report.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub year: Option<i32>,
    pub unit: Option<String>,
    /// `2019` or `2021`.
    pub format: Option<&'static str>,
    #[serde(skip)]
    pub table3: Option<Table3>,
    #[serde(skip)]
    pub table4: Option<Table4>,
    #[serde(skip)]
    pub table2: Option<Vec<(String, String, Vec<Value>)>>,
    pub figures: BTreeMap<&'static str, Value>,
    pub problems: Vec<Problem>,
    pub repairs: Repairs,
}

impl Reading {
    /// The JSON of the report format (`year`, `unit`, `format`, `tables`, `figures`,
    /// `problems`) plus what was repaired.
    pub fn to_json(&self) -> Value {
        let mut tables = serde_json::Map::new();
        if let Some(rows) = &self.table2 {
            tables.insert(
                "二".into(),
                json!({"rows": rows.iter().map(|(b, l, v)| json!({"block": b, "label": l, "values": v})).collect::<Vec<_>>()}),
            );
        }
        if let Some(t) = &self.table3 {
            tables.insert(
                "三".into(),
                json!({"columns": TABLE3_COLUMNS, "rows": t.rows.iter().map(|r| json!({"group": r.group, "label": r.label, "values": r.values})).collect::<Vec<_>>()}),
            );
        }
        if let Some(t) = &self.table4 {
            tables.insert(
                "四".into(),
                json!({"columns": TABLE4_COLUMNS, "values": t.values}),
            );
        }
        json!({
            "year": self.year,
            "unit": {"code": null, "name": self.unit},
            "format": self.format,
            "tables": tables,
            "figures": self.figures,
            "problems": self.problems,
            "repairs": self.repairs,
        })
    }
}

/// Read one report from its bytes. Never panics; what cannot be read becomes a problem.
pub fn read(bytes: &[u8]) -> Reading {
    let mut repairs = Repairs::default();
    let mut problems = Vec::new();
    let raw = if bytes.starts_with(b"%PDF") {
        let owned = bytes.to_vec();
        // The PDF library can panic on damaged files: contain it.
        match std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned)) {
            Ok(Ok(text)) => text,
            Ok(Err(e)) => {
                problems.push(problem("unreadable", format!("PDF 无法读取文字：{e}")));
                String::new()
            }
            Err(_) => {
                problems.push(problem("unreadable", "PDF 文件已损坏，无法读取文字".into()));
                String::new()
            }
        }
    } else {
        let text = repair::decode(bytes, &mut repairs);
        if looks_like_html(&text) {
            html_to_text(&text)
        } else {
            text
        }
    };
    let text = repair::normalise(&raw, &mut repairs);
    if repairs.characters_lost > 0 {
        problems.push(problem(
            "repair",
            format!(
                "有 {} 处乱码已还原，其中 {} 个字的字节已丢失，以“□”标出",
                repairs.mojibake_fixed, repairs.characters_lost
            ),
        ));
    }
    let mut reading = analyse(&text, problems);
    reading.repairs = repairs;
    reading
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(4000)
        .collect::<String>()
        .to_ascii_lowercase();
    head.contains("<table")
        || head.contains("<html")
        || head.contains("<td")
        || head.contains("<p>")
}

/// Tables become lines of cells separated by spaces, an empty cell (blank or `&nbsp;`) a 0.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut cell = String::new();
    let mut in_cell = false;
    let mut skip_until: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        let text = gongkai_core::html::decode_entities(&rest[..lt]);
        if skip_until.is_none() {
            if in_cell {
                cell.push_str(&text);
            } else {
                out.push_str(&text);
            }
        }
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
        rest = &rest[lt + gt + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if let Some(end) = skip_until {
            if tag.starts_with('/') && name == end {
                skip_until = None;
            }
            continue;
        }
        match (tag.starts_with('/'), name.as_str()) {
            (false, "script") => skip_until = Some("script"),
            (false, "style") => skip_until = Some("style"),
            (false, "td" | "th") => {
                in_cell = true;
                cell.clear();
            }
            (true, "td" | "th") => {
                in_cell = false;
                let c = cell.trim();
                out.push(' ');
                out.push_str(if c.is_empty() { "0" } else { c });
                out.push(' ');
            }
            (true, "table") => out.push_str("\n表末\n"),
            (_, "tr" | "p" | "div" | "br" | "table" | "h1" | "h2" | "h3" | "li") if !in_cell => {
                out.push('\n');
            }
            _ => {}
        }
    }
    out.push_str(&gongkai_core::html::decode_entities(rest));
    out
}

/// The text with whitespace taken out except between two digits (kept as one space), so
/// labels wrapped across lines match and cells stay apart.
fn compact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j);
            if before.is_some_and(|c| c.is_ascii_digit())
                && after.is_some_and(|c| c.is_ascii_digit())
            {
                out.push(' ');
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Letters, digits, Han characters and the digit separator: what labels are matched on.
fn keep(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || c == '.'
}

/// The text reduced to what labels are matched on, with each kept character's byte offset.
struct Keyed {
    key: String,
}

fn keyed(text: &str) -> Keyed {
    let chars: Vec<char> = text.chars().filter(|c| keep(*c)).collect();
    let key = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let decimal = c == '.'
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if c == '.' && !decimal { ' ' } else { c }
        })
        .collect();
    Keyed { key }
}

fn label_key(label: &str) -> String {
    label
        .chars()
        .filter(|c| keep(*c))
        .map(|c| if c == '.' { ' ' } else { c })
        .collect::<String>()
        .replace(' ', "")
}

/// Find a label's key in the keyed text at or after `from`, skipping the separator spaces
/// the keyed text has between a row number and its words (`1 属于`).
fn find_label(k: &Keyed, label: &str, from: usize) -> Option<(usize, usize)> {
    let want = label_key(label);
    let hay = &k.key[from.min(k.key.len())..];
    // Match ignoring spaces in the haystack.
    let want: Vec<char> = want.chars().collect();
    let chars: Vec<(usize, char)> = hay.char_indices().collect();
    'outer: for s in 0..chars.len() {
        if chars[s].1 != want[0] {
            continue;
        }
        let mut w = 0;
        let mut i = s;
        while w < want.len() {
            let Some(&(_, c)) = chars.get(i) else {
                continue 'outer;
            };
            if c == ' ' && w > 0 {
                i += 1;
                continue;
            }
            if c != want[w] {
                continue 'outer;
            }
            w += 1;
            i += 1;
        }
        let start = from + chars[s].0;
        let end = from + chars.get(i).map_or(hay.len(), |c| c.0);
        return Some((start, end));
    }
    None
}

/// The digit groups of a stretch of keyed text.
fn digit_groups(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect()
}

enum Split {
    One(Vec<u64>),
    None,
    Many(usize),
}

/// Split digit groups into `n` numbers so that `ok` holds; groups that are already `n` are
/// taken as they are (a violated identity is reported by the checks, not hidden here).
fn split_values(groups: &[String], n: usize, ok: &dyn Fn(&[u64]) -> bool) -> Split {
    if groups.len() == n {
        return match groups
            .iter()
            .map(|g| g.parse::<u64>())
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(v) => Split::One(v),
            Err(_) => Split::None,
        };
    }
    if groups.len() > n {
        // Numbers after the table (a caption, a page number): the first n, if they add up.
        let first: Result<Vec<u64>, _> = groups[..n].iter().map(|g| g.parse::<u64>()).collect();
        return match first {
            Ok(v) if ok(&v) => Split::One(v),
            _ => Split::None,
        };
    }
    if groups.iter().map(|g| g.len()).sum::<usize>() > n * 7 {
        return Split::None;
    }
    let mut found: Vec<Vec<u64>> = Vec::new();
    let mut current = Vec::new();
    fn go(
        groups: &[String],
        gi: usize,
        pos: usize,
        n: usize,
        current: &mut Vec<u64>,
        ok: &dyn Fn(&[u64]) -> bool,
        found: &mut Vec<Vec<u64>>,
    ) {
        if found.len() > 20 || current.len() > n {
            return;
        }
        if gi == groups.len() {
            if current.len() == n && ok(current) {
                found.push(current.clone());
            }
            return;
        }
        let g = groups[gi].as_bytes();
        if pos == g.len() {
            go(groups, gi + 1, 0, n, current, ok, found);
            return;
        }
        let max = if g[pos] == b'0' {
            1
        } else {
            6.min(g.len() - pos)
        };
        for len in 1..=max {
            let v: u64 = std::str::from_utf8(&g[pos..pos + len])
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            current.push(v);
            go(groups, gi, pos + len, n, current, ok, found);
            current.pop();
        }
    }
    go(groups, 0, 0, n, &mut current, ok, &mut found);
    found.dedup();
    match found.len() {
        0 => Split::None,
        1 => Split::One(found.remove(0)),
        k => Split::Many(k),
    }
}

/// The six section headings, each with the wordings real reports use (the 2019 format's
/// section 五 names the work: 政府信息公开工作存在的主要问题及改进情况).
const SECTIONS: [&[&str]; 6] = [
    &["一、总体情况"],
    &["二、主动公开政府信息情况"],
    &["三、收到和处理政府信息公开申请情况"],
    &[
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    ],
    &[
        "五、存在的主要问题及改进情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
    ],
    &["六、其他需要报告的事项"],
];

/// The first place at or after `from` where section `i`'s heading stands, in any wording.
fn find_section(k: &Keyed, i: usize, from: usize) -> Option<(usize, usize)> {
    SECTIONS[i]
        .iter()
        .filter_map(|s| find_label(k, s, from))
        .min()
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

fn year_and_unit(text: &str) -> (Option<i32>, Option<String>) {
    static TITLE: OnceLock<Regex> = OnceLock::new();
    static TITLE_YEAR_FIRST: OnceLock<Regex> = OnceLock::new();
    static YEAR: OnceLock<Regex> = OnceLock::new();
    static UNIT: OnceLock<Regex> = OnceLock::new();
    let head: String = text.chars().take(3000).collect();
    let title = re(
        &TITLE,
        r"([\p{Han}（）()]{2,40}?)(20\d\d)年(?:度)?(?:政府)?信息公开(?:工作)?年(?:度)?报(?:告)?",
    );
    // Titles name the unit before the year (番禺区人民政府2021年…) or after it
    // (2019年上海市人民政府办公厅…): the earlier title in the text wins.
    let year_first = re(
        &TITLE_YEAR_FIRST,
        r"(20\d\d)年(?:度)?([\p{Han}（）()]{2,40}?)(?:政府)?信息公开(?:工作)?年(?:度)?报(?:告)?",
    );
    let unit_first = title.captures(&head).map(|c| {
        let unit = c[1].trim_start_matches("关于").to_string();
        (c.get(0).map_or(0, |m| m.start()), c[2].parse().ok(), unit)
    });
    let year_first = year_first
        .captures_iter(&head)
        .find(|c| &c[2] != "政府")
        .map(|c| {
            (
                c.get(0).map_or(0, |m| m.start()),
                c[1].parse().ok(),
                c[2].to_string(),
            )
        });
    if let Some((_, year, unit)) = [unit_first, year_first]
        .into_iter()
        .flatten()
        .min_by_key(|t| t.0)
    {
        return (year, Some(unit));
    }
    // No title: the year most stated in the opening, the first government named.
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for c in re(&YEAR, r"(20\d\d)年").captures_iter(&head) {
        if let Ok(y) = c[1].parse::<i32>() {
            *counts.entry(y).or_default() += 1;
        }
    }
    let year = counts
        .iter()
        .max_by_key(|(y, n)| (**n, **y))
        .map(|(y, _)| *y);
    let unit = re(
        &UNIT,
        r"(?:20\d\d年[，,、]?)([\p{Han}]{2,12}?(?:人民政府|区|县|市|镇|街道|局|委员会|办公室))",
    )
    .captures(&head)
    .map(|c| c[1].to_string());
    (year, unit)
}

/// Figures stated in the prose, by the keys of the report JSON.
fn prose_figures(text: &str) -> BTreeMap<&'static str, Value> {
    static PATTERNS: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            ("applications_received", r"(?:新收|收到|受理)(?:各类)?(?:政府信息)?(?:公开)?申请(?:共)?(?:数量)?(?:为)?(\d+)(?:件|宗|份)"),
            ("applications_carried_in", r"上(?:一)?年(?:度)?结转(?:政府信息公开)?(?:申请)?(\d+)(?:件|宗)"),
            ("applications_carried_in", r"结转上(?:一)?年(?:度)?(?:的)?(?:政府信息公开)?(?:申请)?(\d+)(?:件|宗)"),
            ("applications_concluded_on_time", r"(\d+)(?:件|宗)(?:均)?按时(?:办结|答复)"),
            ("applications_concluded_on_time", r"按时(?:办结|答复)(?:申请)?(\d+)(?:件|宗)"),
            ("applications_carried_out", r"结转(?:至|到)?(?:下年度|下一年度|20\d\d年)(?:继续办理)?(?:的)?(?:申请)?(\d+)(?:件|宗)"),
            ("applications_carried_out", r"(\d+)(?:件|宗)结转(?:至|到)?(?:下年度|下一年度|20\d\d年)"),
            ("applications_carried_out", r"(\d+)(?:件|宗)(?:申请)?[^。；，]{0,12}?(?:顺延|结转)(?:至|到)(?:下年度|下一年度|20\d\d年)"),
            ("reconsiderations", r"行政复议(?:案件)?(?:共)?(\d+)(?:件|宗|起)"),
            ("lawsuits", r"行政诉讼(?:案件)?(?:共)?(\d+)(?:件|宗|起)"),
            // 行政复议7件，诉讼9件: the second names only 诉讼.
            ("lawsuits", r"行政复议[^。；]{0,12}?[，、]诉讼(?:案件)?(\d+)(?:件|宗|起)"),
            ("fees_collected_yuan", r"(?:收取|[^性]收费|信息处理费)[^。；]{0,30}?(\d+(?:\.\d+)?)(万)?元"),
            ("interpretations", r"(?:政策)?解读(?:稿件|材料|信息)?(?:共)?(\d+)(?:篇|条|件)"),
            ("hot_responses", r"(?:热点)?回应(?:社会关切|热点)?(?:信息)?(?:共)?(\d+)(?:条|次|篇)"),
            ("catalogs_published", r"(?:发布|挂网)(\d+)份"),
        ]
        .into_iter()
        .filter_map(|(k, p)| Regex::new(p).ok().map(|r| (k, r)))
        .collect()
    });
    let mut out = BTreeMap::new();
    for (key, re) in patterns {
        if out.contains_key(key) {
            continue;
        }
        if let Some(c) = re.captures(text) {
            let value = if *key == "fees_collected_yuan" {
                let n: f64 = c[1].parse().unwrap_or(0.0);
                let yuan = if c.get(2).is_some() { n * 10_000.0 } else { n };
                json!(yuan.round() as u64)
            } else {
                json!(c[1].parse::<u64>().unwrap_or(0))
            };
            out.insert(*key, value);
        }
    }
    out
}

/// A row of table 三: its six applicant columns add up to its 总计.
fn row_adds_up(v: &[u64]) -> bool {
    v[..6].iter().sum::<u64>() == v[6]
}

/// Table 三's numbers as one block after its last label: `n` rows of 7 numbers given column by
/// column or row by row. The orientation is the one whose rows add up to their 总计 and whose
/// columns satisfy 一 + 二 = （七）总计 + 四; when both or neither do, nothing is guessed.
fn block_after_labels(
    k: &Keyed,
    places: &[Option<(usize, usize)>],
    next_section: Option<usize>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<[u64; 7]>> {
    let n = places.iter().flatten().count();
    let last = places.iter().flatten().map(|p| p.1).max()?;
    let end = next_section.unwrap_or(k.key.len()).max(last);
    let numbers: Vec<u64> = digit_groups(&k.key[last..end])
        .iter()
        .map(|g| g.parse().ok())
        .collect::<Option<Vec<u64>>>()?;
    if n < 10 || numbers.len() < 7 * n {
        return None;
    }
    let numbers = &numbers[..7 * n];
    let by_column: Vec<[u64; 7]> = (0..n)
        .map(|r| std::array::from_fn(|c| numbers[c * n + r]))
        .collect();
    let by_row: Vec<[u64; 7]> = (0..n)
        .map(|r| std::array::from_fn(|c| numbers[r * 7 + c]))
        .collect();
    // First two rows in, the last two out (（七）总计 and 四、结转): the column identity.
    let fits = |rows: &[[u64; 7]]| {
        let rows_add_up = rows.iter().all(|v| row_adds_up(v));
        let columns_add_up =
            (0..7).all(|c| rows[0][c] + rows[1][c] == rows[n - 2][c] + rows[n - 1][c]);
        rows_add_up && columns_add_up
    };
    match (fits(&by_column), fits(&by_row)) {
        (true, false) => Some(by_column),
        (false, true) => Some(by_row),
        (true, true) if by_column == by_row => Some(by_column),
        _ => {
            problems.push(problem(
                "ambiguous",
                "表三的数字集中排在各行名称之后，按列或按行读都无法与合计相符，未采用".into(),
            ));
            None
        }
    }
}

fn analyse(text: &str, mut problems: Vec<Problem>) -> Reading {
    let c = compact(text);
    // On the text without line breaks: a PDF's title comes out wrapped.
    let (year, unit) = year_and_unit(&c);
    let format = year.map(Format::for_year);
    let k = keyed(&c);
    for (i, s) in SECTIONS.iter().enumerate() {
        if find_section(&k, i, 0).is_none() {
            let number = s[0].split('、').next().unwrap_or(s[0]);
            problems.push(problem("missing_section", format!("缺少第{number}部分")));
        }
    }
    // Each section heading after the one before. A table of contents names them first, each
    // heading right after the one before it: an occurrence followed within a few characters by
    // the next heading is taken for a contents entry and passed over.
    const CONTENTS_GAP: usize = 30;
    let mut starts: [Option<usize>; 6] = [None; 6];
    let mut from = 0;
    for (i, start) in starts.iter_mut().enumerate() {
        let first = find_section(&k, i, from);
        let mut found = first;
        while let Some((_, e)) = found {
            let entry = i + 1 < SECTIONS.len()
                && find_section(&k, i + 1, e).is_some_and(|(n, _)| n <= e + CONTENTS_GAP);
            if !entry {
                break;
            }
            found = find_section(&k, i, e);
        }
        if let Some((st, e)) = found.or(first) {
            *start = Some(st);
            from = e;
        }
    }
    let (s2, s3, s4, s5) = (starts[1], starts[2], starts[3], starts[4]);
    let f = format.unwrap_or(Format::F2021);
    let y = year.unwrap_or(2021);

    // Table 三: each row's label in order, its numbers up to the next label.
    let mut t3 = table3(y, f, &[]);
    let from3 = s3.unwrap_or(0);
    let mut found_rows = 0;
    let mut cursor = from3;
    let labels: Vec<&str> = t3.rows.iter().map(|r| r.label).collect();
    let mut places: Vec<Option<(usize, usize)>> = Vec::new();
    for l in &labels {
        // A long label wrapped in its cell can come out of a PDF with a neighbouring merged
        // cell's words inside it: then its first words are enough to place the row.
        let p = find_label(&k, l, cursor).or_else(|| {
            let head: String = label_key(l).chars().take(8).collect();
            (head.chars().count() == 8)
                .then(|| find_label(&k, &head, cursor))
                .flatten()
        });
        if let Some((_, e)) = p {
            cursor = e;
        }
        places.push(p);
    }
    let mut row_problems = Vec::new();
    for (i, p) in places.iter().enumerate() {
        let Some((_, end)) = p else {
            continue;
        };
        let next = places[i + 1..]
            .iter()
            .flatten()
            .map(|x| x.0)
            .next()
            .or(s4)
            .unwrap_or(k.key.len())
            .max(*end);
        let groups = digit_groups(&k.key[*end..next]);
        match split_values(&groups, 7, &row_adds_up) {
            Split::One(v) => {
                found_rows += 1;
                t3.rows[i].values.copy_from_slice(&v);
            }
            Split::Many(n) => row_problems.push(problem(
                "ambiguous",
                format!(
                    "表三“{}”行的数字“{}”有 {n} 种拆法都符合合计，未采用",
                    labels[i],
                    groups.join(" ")
                ),
            )),
            Split::None => {
                if !groups.is_empty() {
                    row_problems.push(problem(
                        "unreadable",
                        format!(
                            "表三“{}”行的数字“{}”无法拆成 7 格",
                            labels[i],
                            groups.join(" ")
                        ),
                    ));
                }
            }
        }
    }
    // A PDF extractor can give the labels first and then the numbers in one block, column by
    // column (or row by row): when the rows hold almost no numbers, read the block after the
    // last label, in the orientation the identities agree with.
    if found_rows < 3
        && let Some(values) = block_after_labels(&k, &places, s4, &mut problems)
    {
        let placed: Vec<usize> = (0..places.len()).filter(|i| places[*i].is_some()).collect();
        for (row, v) in placed.iter().zip(values) {
            t3.rows[*row].values.copy_from_slice(&v);
        }
        found_rows = placed.len();
        row_problems.clear();
    }
    problems.append(&mut row_problems);
    let t3 = if found_rows >= 3 {
        for (i, p) in places.iter().enumerate() {
            if p.is_none() {
                problems.push(problem(
                    "missing_row",
                    format!("表三缺少“{}”行，或其文字与官方格式不同", labels[i]),
                ));
            }
        }
        Some(t3)
    } else {
        problems.push(problem(
            "missing_table",
            "缺少表三（收到和处理政府信息公开申请情况），或无法读出".into(),
        ));
        None
    };

    // Table 四: the fifteen numbers after the last header word of the section.
    let t4 = s4.and_then(|start| {
        let end = s5.unwrap_or(k.key.len()).max(start);
        let region = &k.key[start..end];
        let after = region.rfind("总计").map_or(0, |i| i + "总计".len());
        // The numbers right after the header, up to the next words (a chart or the prose).
        let run: String = region[after..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ' ')
            .collect();
        let groups = digit_groups(&run);
        let ok =
            |v: &[u64]| (0..3).all(|g| v[g * 5..g * 5 + 4].iter().sum::<u64>() == v[g * 5 + 4]);
        match split_values(&groups, 15, &ok) {
            Split::One(v) => {
                let mut values = [0u64; 15];
                values.copy_from_slice(&v);
                Some(Table4 {
                    columns: TABLE4_COLUMNS,
                    values,
                })
            }
            Split::Many(n) => {
                problems.push(problem(
                    "ambiguous",
                    format!(
                        "表四的数字“{}”有 {n} 种拆法都符合合计，未采用",
                        groups.join(" ")
                    ),
                ));
                None
            }
            Split::None => None,
        }
    });
    if t4.is_none() {
        problems.push(problem(
            "missing_table",
            "缺少表四（行政复议、行政诉讼情况），或无法读出".into(),
        ));
    }

    // Table 二: each row's numbers in section 二.
    let t2 = s2.and_then(|start| {
        let end = s3.unwrap_or(k.key.len()).max(start);
        let skeleton = table2(y, f, &[], &Decisions::default());
        let mut rows = Vec::new();
        let mut cursor = start;
        for r in &skeleton.rows {
            let Some((_, e)) = find_label(&k, r.label, cursor).filter(|(s, _)| *s < end) else {
                continue;
            };
            cursor = e;
            let next = skeleton
                .rows
                .iter()
                .filter_map(|x| find_label(&k, x.label, e).map(|p| p.0))
                .filter(|p| *p < end)
                .min()
                .unwrap_or(end);
            // Decimals (万元) keep their point: read from the compact text's digits and dots.
            let stretch = &k.key[e..next];
            let values: Vec<Value> = stretch
                .split(|c: char| !c.is_ascii_digit() && c != '.')
                .filter(|g| !g.is_empty() && g.chars().any(|c| c.is_ascii_digit()))
                .take(r.values.len())
                .map(|g| match g.parse::<u64>() {
                    Ok(n) => json!(n),
                    Err(_) => json!(g),
                })
                .collect();
            rows.push((r.block.to_string(), r.label.to_string(), values));
        }
        (rows.len() >= 3).then_some(rows)
    });
    if t2.is_none() {
        problems.push(problem(
            "missing_table",
            "缺少表二（主动公开政府信息情况），或无法读出".into(),
        ));
    }

    // Identities of the format, and the prose against the tables.
    if let Some(t3) = &t3 {
        let zero4 = Table4 {
            columns: TABLE4_COLUMNS,
            values: [0; 15],
        };
        for p in check(t3, t4.as_ref().unwrap_or(&zero4), None) {
            problems.push(problem(p.kind, p.message));
        }
    } else if let Some(t4) = &t4 {
        let empty = table3(y, f, &[]);
        for p in check(&empty, t4, None)
            .into_iter()
            .filter(|p| p.message.starts_with("表四"))
        {
            problems.push(problem(p.kind, p.message));
        }
    }
    let mut figures = prose_figures(&c);
    let mut compare = |key: &'static str, table: Option<u64>, what: &str| {
        if let (Some(prose), Some(t)) = (figures.get(key).and_then(Value::as_u64), table)
            && prose != t
        {
            problems.push(problem(
                "prose_mismatch",
                format!("正文所述{what}为 {prose}，而表中为 {t}"),
            ));
        }
    };
    compare(
        "applications_received",
        t3.as_ref().map(|t| t.total("new")),
        "本年新收申请",
    );
    compare(
        "applications_carried_in",
        t3.as_ref().map(|t| t.total("carried_in")),
        "上年结转申请",
    );
    compare(
        "applications_carried_out",
        t3.as_ref().map(|t| t.total("carried_out")),
        "结转下年度申请",
    );
    compare(
        "reconsiderations",
        t4.as_ref().map(|t| t.reconsiderations()),
        "行政复议",
    );
    compare("lawsuits", t4.as_ref().map(|t| t.lawsuits()), "行政诉讼");
    // Table figures fill in what the prose does not say.
    if let Some(t) = &t3 {
        figures
            .entry("applications_received")
            .or_insert(json!(t.total("new")));
        figures
            .entry("applications_carried_in")
            .or_insert(json!(t.total("carried_in")));
        figures
            .entry("applications_carried_out")
            .or_insert(json!(t.total("carried_out")));
    }
    if let Some(t) = &t4 {
        figures
            .entry("reconsiderations")
            .or_insert(json!(t.reconsiderations()));
        figures.entry("lawsuits").or_insert(json!(t.lawsuits()));
    }
    if year.is_none() {
        problems.push(problem("missing_section", "没有找到报告年度".into()));
    }
    Reading {
        year,
        unit,
        format: format.map(Format::as_str),
        table3: t3,
        table4: t4,
        table2: t2,
        figures,
        problems,
        repairs: Repairs::default(),
    }
}

/// Carry-over across years: for each unit read in consecutive years, the later year's 上年结转
/// must equal the earlier year's 结转下年度继续办理. Problems are added to the later reading.
pub fn check_across_years(readings: &mut [(String, Reading)]) {
    let mut order: Vec<usize> = (0..readings.len()).collect();
    order.sort_by_key(|i| (readings[*i].1.unit.clone(), readings[*i].1.year));
    for w in order.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (ra, rb) = (&readings[a].1, &readings[b].1);
        if ra.unit.is_none() || ra.unit != rb.unit {
            continue;
        }
        let (Some(ya), Some(yb)) = (ra.year, rb.year) else {
            continue;
        };
        if yb != ya + 1 {
            continue;
        }
        let (Some(prev), Some(cur)) = (ra.table3.clone(), rb.table3.clone()) else {
            continue;
        };
        let zero4 = Table4 {
            columns: TABLE4_COLUMNS,
            values: [0; 15],
        };
        let found: Vec<Problem> = check(&cur, &zero4, Some(&prev))
            .into_iter()
            .filter(|p| p.kind == "carry_over")
            .map(|p| {
                problem(
                    p.kind,
                    format!("{}（对照 {} 年报告 {}）", p.message, ya, readings[a].0),
                )
            })
            .collect();
        readings[b].1.problems.extend(found);
    }
}
