//! 信息处理费 (国办函〔2020〕109号, REFERENCE.md section 4). Default: no fee. Two progressive
//! (超额累进) methods; one application uses one method, never both.

/// The fee in yuan for the `k`-th application (1-based) by one applicant in one natural month,
/// 按件计收: 1–10 free; 11–30: 100 each; from 31, each band of 10 costs 100 more
/// (31–40: 200 each, 41–50: 300 each, …).
pub fn item_fee(k: u64) -> u64 {
    match k {
        0..=10 => 0,
        11..=30 => 100,
        _ => 100 * (1 + (k - 30).div_ceil(10)),
    }
}

/// The total in yuan for `n` applications by one applicant in one natural month.
pub fn items_total(n: u64) -> u64 {
    // Closed form per band, so a huge n costs nothing to compute.
    let mut total = 100 * (n.min(30).saturating_sub(10));
    if n > 30 {
        let over = n - 30;
        let full_bands = over / 10;
        let rest = over % 10;
        // Band b (1-based) costs 100 * (1 + b) per application, 10 applications each.
        total += 10 * 100 * (full_bands * (full_bands + 1) / 2 + full_bands);
        total += rest * 100 * (1 + full_bands + 1);
    }
    total
}

/// The fee in yuan for one application of `pages` pages, 按量计收: 1–30 free; 31–100: 10 元/页;
/// 101–200: 20 元/页; 201 and more: 40 元/页.
pub fn pages_fee(pages: u64) -> u64 {
    let band = |lo: u64, hi: u64| pages.min(hi).saturating_sub(lo);
    band(30, 100) * 10 + band(100, 200) * 20 + pages.saturating_sub(200) * 40
}

/// How a fee is computed for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeeMethod {
    /// 按件计收
    Items,
    /// 按量计收
    Pages,
}

impl FeeMethod {
    pub fn label(self) -> &'static str {
        match self {
            FeeMethod::Items => "按件计收",
            FeeMethod::Pages => "按量计收",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_item_brackets() {
        assert_eq!(item_fee(10), 0);
        assert_eq!(item_fee(11), 100);
        assert_eq!(item_fee(30), 100);
        assert_eq!(item_fee(31), 200);
        assert_eq!(item_fee(40), 200);
        assert_eq!(item_fee(41), 300);
        assert_eq!(items_total(10), 0);
        assert_eq!(items_total(11), 100);
        assert_eq!(items_total(30), 2000);
        assert_eq!(items_total(35), 3000);
        assert_eq!(items_total(50), 7000);
        for n in 0..500 {
            assert_eq!(
                items_total(n),
                (1..=n).map(item_fee).sum::<u64>(),
                "n = {n}"
            );
        }
    }

    #[test]
    fn per_page_brackets() {
        assert_eq!(pages_fee(30), 0);
        assert_eq!(pages_fee(31), 10);
        assert_eq!(pages_fee(100), 700);
        assert_eq!(pages_fee(101), 720);
        assert_eq!(pages_fee(200), 2700);
        assert_eq!(pages_fee(201), 2740);
    }
}
