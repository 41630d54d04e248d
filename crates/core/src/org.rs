//! Units (行政机关) and staff roles.

use serde::{Deserialize, Serialize};

/// What kind of unit an organisation is (REFERENCE.md section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// A people's government (区人民政府), the root of a district's tree.
    Government,
    /// A department of the government (区住房城乡建设局 …).
    Department,
    /// A town (镇).
    Town,
    /// A street (街道).
    Street,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::Government,
        UnitKind::Department,
        UnitKind::Town,
        UnitKind::Street,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Department => "department",
            UnitKind::Town => "town",
            UnitKind::Street => "street",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Government => "人民政府",
            UnitKind::Department => "政府部门",
            UnitKind::Town => "镇",
            UnitKind::Street => "街道",
        }
    }
}

/// A staff member's role. Every role but the office admin and the auditor acts on one unit only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The disclosure office (政务公开办): all units, catalogs, supervision, calendar, staff.
    OfficeAdmin,
    /// Drafts publications for the unit.
    Editor,
    /// Reviews (三审, 保密审查) the unit's publications.
    Reviewer,
    /// Handles the unit's applications (依申请公开).
    Handler,
    /// Reads everything, changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::OfficeAdmin,
        Role::Editor,
        Role::Reviewer,
        Role::Handler,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::OfficeAdmin => "office_admin",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Handler => "handler",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::OfficeAdmin => "政务公开办管理员",
            Role::Editor => "信息编辑",
            Role::Reviewer => "信息审核",
            Role::Handler => "依申请办理",
            Role::Auditor => "审计（只读）",
        }
    }

    /// Sees every unit (otherwise: only the staff member's own unit).
    pub fn sees_all_units(self) -> bool {
        matches!(self, Role::OfficeAdmin | Role::Auditor)
    }

    /// May change anything at all.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Auditor)
    }

    /// May manage units, staff and the calendar (the disclosure office's work).
    pub fn is_office(self) -> bool {
        matches!(self, Role::OfficeAdmin)
    }

    /// May read the audit ledger.
    pub fn reads_audit(self) -> bool {
        matches!(self, Role::OfficeAdmin | Role::Auditor)
    }
}

/// A stored role read back: an unknown one is an error, never a lesser or greater role.
impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("未知的角色“{s}”"))
    }
}

/// A unit code: 1–32 characters of ASCII letters, digits and `-`, starting with a letter or digit.
pub fn check_unit_code(code: &str) -> Result<(), String> {
    let ok = !code.is_empty()
        && code.len() <= 32
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !code.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "单位代码“{code}”无效：应为 1–32 位英文字母、数字或连字符（-），例如 py-zjj"
        ))
    }
}

/// A username: 3–32 characters of lowercase ASCII letters, digits, `.`, `_`, `-`.
pub fn check_username(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    let ok = (3..=32).contains(&len)
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "用户名“{name}”无效：应为 3–32 位小写英文字母、数字或 . _ -"
        ))
    }
}

/// Passwords people choose first, and that guessing tries first (the stems: digits and
/// punctuation around them are ignored).
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "qwerty",
    "admin",
    "administrator",
    "welcome",
    "iloveyou",
    "woaini",
    "zhengfu",
    "gongkai",
    "abc",
    "test",
    "guest",
    "root",
    "letmein",
    "changeme",
    "p@ssw0rd",
];

/// Keyboard rows, walked left to right or back (qwertyuiop, asdfgh, 1qaz2wsx is not caught).
const ROWS: &[&str] = &["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

/// A staff password. Our rule: 10 to 256 characters, and not guessable at once — not built
/// on the username, not one or two characters repeated, not a run (1234567890, abcdefghij,
/// a keyboard row), not a common password with digits around it. Step by step, the first
/// that applies is the refusal a person reads.
pub fn check_password(pw: &str, username: &str) -> Result<(), String> {
    let len = pw.chars().count();
    if len < 10 {
        return Err(format!("密码太短：至少 10 个字符（现在 {len} 个）"));
    }
    if len > 256 {
        return Err("密码太长：最多 256 个字符".into());
    }
    let lower = pw.to_lowercase();
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Err("密码不能包含用户名".into());
    }
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    if distinct.len() < 4 {
        return Err("密码太简单：只由一两个字符反复组成".into());
    }
    let chars: Vec<char> = lower.chars().collect();
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| w[1] as i64 - w[0] as i64)
        .collect();
    let run = steps.iter().all(|d| *d == 1) || steps.iter().all(|d| *d == -1);
    let on_row = ROWS.iter().any(|row| {
        let back: String = row.chars().rev().collect();
        row.contains(lower.as_str()) || back.contains(lower.as_str())
    });
    if run || on_row {
        return Err("密码太简单：是连续的字母、数字或键盘上的一行".into());
    }
    let stem = lower.trim_matches(|c: char| !c.is_alphabetic());
    if COMMON.contains(&stem) {
        return Err("密码太简单：是常见密码加上数字或符号".into());
    }
    Ok(())
}

/// A postal code: empty, or 6 digits.
pub fn check_postcode(code: &str) -> Result<(), String> {
    let code = code.trim();
    if code.is_empty() || (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())) {
        Ok(())
    } else {
        Err("邮政编码应为 6 位数字".into())
    }
}

/// Check a required text field counted in characters.
pub fn check_text(
    label: &str,
    value: &str,
    required: bool,
    max_chars: usize,
) -> Result<(), String> {
    let n = value.trim().chars().count();
    if required && n == 0 {
        return Err(format!("请填写{label}"));
    }
    if n > max_chars {
        return Err(format!("{label}太长：最多 {max_chars} 个字（现在 {n} 个）"));
    }
    Ok(())
}

/// Check a link the site shows (a video, a page): `https://` or `http://` to a named host, or a
/// path on this site (`/files/…`). A scheme-relative `//host/…`, a `\\` path, `javascript:` and
/// anything with spaces or control characters are refused: a link must go where it says.
pub fn check_link(url: &str) -> Result<(), String> {
    let refuse = || {
        Err("链接应以 https:// 或 http:// 开头并写明网站域名，或为本站以 / 开头的地址".to_string())
    };
    if url.is_empty() {
        return Ok(());
    }
    if !url.chars().all(|c| c.is_ascii_graphic()) || url.contains('\\') {
        return refuse();
    }
    if let Some(path) = url.strip_prefix('/') {
        return if path.starts_with('/') {
            refuse()
        } else {
            Ok(())
        };
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else { return refuse() };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let named = !host.is_empty()
        && !authority.contains('@')
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if named { Ok(()) } else { refuse() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_that_are_guessed_first_are_refused() {
        for (pw, why) in [
            ("short", "太短"),
            ("aaaaaaaaaa", "反复"),
            ("ababababab", "反复"),
            ("1234567890", "连续"),
            ("0987654321", "连续"),
            ("abcdefghij", "连续"),
            ("qwertyuiop", "键盘"),
            ("zhang-2026-zhang", "用户名"),
            ("Password2026!", "常见"),
            ("woaini1314520", "常见"),
        ] {
            let err = check_password(pw, "zhang").unwrap_err();
            assert!(err.contains(why), "{pw}: {err}");
        }
        for ok in [
            "教育局依申请办理2026",
            "一个足够长的密码abc",
            "correct horse battery",
        ] {
            assert!(check_password(ok, "zhang").is_ok(), "{ok}");
        }
    }

    #[test]
    fn links_go_where_they_say() {
        for ok in [
            "",
            "https://www.panyu.gov.cn/v/1.mp4",
            "http://video.gd.gov.cn:8080/a?b=c",
            "/files/3",
        ] {
            assert!(check_link(ok).is_ok(), "{ok}");
        }
        for bad in [
            "//evil.example/v.mp4",
            "/\\evil.example",
            "javascript:alert(1)",
            "https://",
            "https://user@evil.example/",
            "https://evil..example/",
            "https://exa mple.com/",
            "ftp://example.com/v.mp4",
            "https://example.com/\u{0}",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_round_trip_and_scope() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(Role::parse(r.label()), Some(r));
        }
        assert!(Role::parse("root").is_none());
        assert!(!Role::Auditor.can_write());
        assert!(Role::Auditor.sees_all_units());
        assert!(!Role::Editor.sees_all_units());
    }

    #[test]
    fn field_checks() {
        assert!(check_unit_code("py-zjj").is_ok());
        assert!(check_unit_code("住建局").is_err());
        assert!(check_unit_code("").is_err());
        assert!(check_username("Admin").is_err());
        assert!(check_password("短密码", "zhang").is_err());
        assert!(check_password("十个汉字的密码足够长了", "zhang").is_ok());
        assert!(check_text("名称", "  ", true, 10).is_err());
        assert!(check_text("名称", "一二三", true, 2).is_err());
    }
}
