//! Identity documents that parse: the 居民身份证 number (GB 11643-1999) and the 统一社会信用代码
//! (GB 32100-2015), each checked by its check character. Used on application forms (Art. 29) and
//! by the personal-data scan.

use chrono::{Datelike, NaiveDate};

/// A valid 18-character 居民身份证 number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdCardNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

impl IdCardNumber {
    /// Parse and check: 17 digits and a check character (digit or X), a real birth date no later
    /// than `today`, and the GB 11643 checksum.
    pub fn parse(s: &str, today: NaiveDate) -> Result<IdCardNumber, String> {
        let s = s.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18
            || !b[..17].iter().all(u8::is_ascii_digit)
            || !(b[17].is_ascii_digit() || b[17] == b'X')
        {
            return Err("身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X".into());
        }
        if b[0] == b'0' {
            return Err("身份证号码的地区码不正确".into());
        }
        NaiveDate::parse_from_str(&s[6..14], "%Y%m%d")
            .ok()
            .filter(|d| *d <= today && d.year() >= 1900)
            .ok_or("身份证号码中的出生日期不正确")?;
        if id_check_char(&b[..17]) != b[17] {
            return Err("身份证号码校验位不正确，请核对是否输错".into());
        }
        Ok(IdCardNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shown on public pages: the first 3 and last 2 characters.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 3, 2)
    }
}

/// The check character of the first 17 digits.
pub fn id_check_char(digits17: &[u8]) -> u8 {
    let sum: u32 = digits17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

/// A valid 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl CreditCode {
    pub fn parse(s: &str) -> Result<CreditCode, String> {
        let s = s.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18 {
            return Err("统一社会信用代码应为 18 位".into());
        }
        let mut values = Vec::with_capacity(18);
        for &c in b {
            match USCC_CHARS.iter().position(|&x| x == c) {
                Some(v) => values.push(v as u32),
                None => {
                    return Err(format!(
                        "统一社会信用代码含有不允许的字符“{}”（不使用 I、O、S、V、Z）",
                        c as char
                    ));
                }
            }
        }
        let sum: u32 = values[..17]
            .iter()
            .zip(USCC_WEIGHTS)
            .map(|(v, w)| v * w)
            .sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err("统一社会信用代码校验位不正确，请核对是否输错".into());
        }
        Ok(CreditCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check character a 17-character credit-code prefix needs (for generating test data).
pub fn credit_code_check_char(prefix17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in prefix17.bytes().zip(USCC_WEIGHTS) {
        sum += USCC_CHARS.iter().position(|&x| x == c)? as u32 * w;
    }
    Some(USCC_CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// A mainland mobile number: 11 digits starting with 1 and a second digit 3–9.
pub fn check_mobile(s: &str) -> Result<String, String> {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = digits.strip_prefix("+86").unwrap_or(&digits).to_string();
    let b = digits.as_bytes();
    if b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
    {
        Ok(digits)
    } else {
        Err("手机号码应为 11 位数字，以 1 开头".into())
    }
}

/// A phone number as people write it: a mobile, or a landline with area code (020-84636178).
pub fn check_phone(s: &str) -> Result<String, String> {
    if let Ok(m) = check_mobile(s) {
        return Ok(m);
    }
    let t = s.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let ok = (7..=15).contains(&digits)
        && t.chars()
            .all(|c| c.is_ascii_digit() || "-+() 转".contains(c));
    if ok {
        Ok(t.to_string())
    } else {
        Err("联系电话应为手机号码或带区号的固定电话，例如 13800138000 或 020-84636178".into())
    }
}

/// Keep `head` and `tail` characters, star the rest (counted in characters, not bytes).
pub fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len().max(1));
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A person's name on public pages: the family name and stars (张** / 欧阳*).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}", chars[0], "*".repeat(n - 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn id_card_checksum_and_birth_date() {
        // GB 11643's own example number.
        assert!(IdCardNumber::parse("11010519491231002X", today()).is_ok());
        assert!(IdCardNumber::parse("11010519491231002x", today()).is_ok());
        assert!(
            IdCardNumber::parse("110105194912310021", today())
                .unwrap_err()
                .contains("校验位")
        );
        // 1949-02-30 does not exist.
        let mut d = *b"11010519490230002";
        let c = id_check_char(&d);
        let bad_date = format!("{}{}", std::str::from_utf8(&d).unwrap(), c as char);
        assert!(
            IdCardNumber::parse(&bad_date, today())
                .unwrap_err()
                .contains("出生日期")
        );
        // Born in the future.
        d.copy_from_slice(b"11010520991231002");
        let c = id_check_char(&d);
        let future = format!("{}{}", std::str::from_utf8(&d).unwrap(), c as char);
        assert!(IdCardNumber::parse(&future, today()).is_err());
        assert!(IdCardNumber::parse("1234", today()).is_err());
        assert_eq!(
            IdCardNumber::parse("11010519491231002X", today())
                .unwrap()
                .masked(),
            "110*************2X"
        );
    }

    #[test]
    fn credit_code_checksum() {
        let prefix = "91440101MA5CXXXX0";
        let full = format!("{prefix}{}", credit_code_check_char(prefix).unwrap());
        assert!(CreditCode::parse(&full).is_ok());
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("91350100M000100Y44").is_err());
        assert!(
            CreditCode::parse("91350100M000100YI3")
                .unwrap_err()
                .contains("不允许的字符")
        );
    }

    #[test]
    fn phones_and_masks() {
        assert_eq!(check_mobile("138 0013 8000").unwrap(), "13800138000");
        assert!(check_mobile("12800138000").is_err());
        assert!(check_phone("020-84636178").is_ok());
        assert!(check_phone("call me").is_err());
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳小明"), "欧***");
        assert_eq!(mask_middle("13800138000", 3, 4), "138****8000");
    }
}
