//! Finding things in a report's text: HTML to text, labels matched by their characters whatever
//! the spacing, sections, the year and the unit, figures stated in the prose, and numbers run
//! together split back into cells when only one split adds up.

use super::*;

pub(super) fn looks_like_html(text: &str) -> bool {
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
pub(super) fn html_to_text(html: &str) -> String {
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
pub(super) fn compact(text: &str) -> String {
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
pub(super) struct Keyed {
    pub(super) key: String,
}

pub(super) fn keyed(text: &str) -> Keyed {
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

pub(super) fn label_key(label: &str) -> String {
    label
        .chars()
        .filter(|c| keep(*c))
        .map(|c| if c == '.' { ' ' } else { c })
        .collect::<String>()
        .replace(' ', "")
}

/// Find a label's key in the keyed text at or after `from`, skipping the separator spaces
/// the keyed text has between a row number and its words (`1 属于`).
pub(super) fn find_label(k: &Keyed, label: &str, from: usize) -> Option<(usize, usize)> {
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
pub(super) fn digit_groups(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect()
}

pub(super) enum Split {
    One(Vec<u64>),
    None,
    Many(usize),
}

/// Split digit groups into `n` numbers so that `ok` holds; groups that are already `n` are
/// taken as they are (a violated identity is reported by the checks, not hidden here).
pub(super) fn split_values(groups: &[String], n: usize, ok: &dyn Fn(&[u64]) -> bool) -> Split {
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
pub(super) const SECTIONS: [&[&str]; 6] = [
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
pub(super) fn find_section(k: &Keyed, i: usize, from: usize) -> Option<(usize, usize)> {
    SECTIONS[i]
        .iter()
        .filter_map(|s| find_label(k, s, from))
        .min()
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

pub(super) fn year_and_unit(text: &str) -> (Option<i32>, Option<String>) {
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
pub(super) fn prose_figures(text: &str) -> BTreeMap<&'static str, Value> {
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
pub(super) fn row_adds_up(v: &[u64]) -> bool {
    v[..6].iter().sum::<u64>() == v[6]
}

/// Table 三's numbers as one block after its last label: `n` rows of 7 numbers given column by
/// column or row by row. The orientation is the one whose rows add up to their 总计 and whose
/// columns satisfy 一 + 二 = （七）总计 + 四; when both or neither do, nothing is guessed.
pub(super) fn block_after_labels(
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
