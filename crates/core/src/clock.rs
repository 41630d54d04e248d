//! One clock for the whole system: the date in China. Every deadline of the 条例 is reckoned in
//! days of Asia/Shanghai (UTC+8 all year; China has kept no summer time since 1991), so "today"
//! is that date wherever the server's clock is set — between 00:00 and 08:00 Beijing time the
//! UTC date would be yesterday's.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Asia/Shanghai's offset from UTC.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The date in China at the instant `t`.
pub fn date_in_china(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china()).date_naive()
}

/// Today's date in China.
pub fn today() -> NaiveDate {
    date_in_china(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_morning_in_beijing_is_already_the_next_day() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // 07:59 in Beijing on 1 October is still 30 September in UTC.
        assert_eq!(
            date_in_china(t("2021-09-30T23:59:00Z")),
            NaiveDate::from_ymd_opt(2021, 10, 1).unwrap()
        );
        assert_eq!(
            date_in_china(t("2021-09-30T15:59:59Z")),
            NaiveDate::from_ymd_opt(2021, 9, 30).unwrap()
        );
        assert_eq!(
            date_in_china(t("2021-09-30T16:00:00Z")),
            NaiveDate::from_ymd_opt(2021, 10, 1).unwrap()
        );
    }
}
