//! The prose of an annual report: sections written with placeholders bound to figures
//! (`{portal_items}`), so that a figure is never typed into prose — it is rendered from records.
//! A proposed text in the register of a real report is given for each section; the office edits
//! it. Rendering refuses unknown placeholders; a number typed where a figure would go is flagged.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The editable sections, in the report's order.
pub const SECTIONS: [(&str, &str); 7] = [
    ("s1_1", "一、总体情况 （一）主动公开"),
    ("s1_2", "（二）依申请公开"),
    ("s1_3", "（三）政府信息管理"),
    ("s1_4", "（四）平台建设"),
    ("s1_5", "（五）监督保障"),
    ("s5", "五、存在的主要问题及改进情况"),
    ("s6", "六、其他需要报告的事项"),
];

/// The prose of every section, keyed as [`SECTIONS`].
pub type Prose = BTreeMap<String, String>;

/// Figures by placeholder key, already formatted as the report prints them.
pub type Figures = BTreeMap<String, String>;

/// The proposed text of each section for a report whose subject is `who` (全区 or a unit's
/// short name) and year `year`. Placeholders name the figures; the office edits the prose.
pub fn proposed(who: &str, year: i32, district: bool) -> Prose {
    let mut p = Prose::new();
    let mut s1_1 = format!(
        "{year}年，{who}坚持以公开为常态、不公开为例外，持续深化政务公开工作。全年通过政府网站主动公开政府信息{{portal_items}}条，其中在政府信息公开目录、重点领域信息公开目录、“五公开”目录等主要目录公开{{major_catalog_items}}条。"
    );
    if district {
        s1_1.push_str("各单位编制并公布主动公开基本目录{catalogs_published}个，试点领域基层政务公开标准目录累计载入信息{pilot_catalog_items}条。疫情防控专栏发布信息{epidemic_column_items}条，其中“六稳”“六保”子栏目{stability_column_items}条。");
    }
    s1_1.push_str("围绕社会关切发布热点回应信息{hot_responses}条，开展调查征集{consultations}次、在线访谈{interviews}期。组织对规范性文件的公开属性和有效性进行评估，共评估{documents_evaluated}件，调整并重新标注{documents_adjusted}件。");
    p.insert("s1_1".into(), s1_1);
    p.insert("s1_2".into(), format!(
        "{year}年，{who}共收到政府信息公开申请{{applications_received}}件，上年结转{{applications_carried_in}}件，按时办结{{applications_concluded_on_time}}件，结转下年度继续办理{{applications_carried_out}}件。发生政府信息公开行政复议案件{{reconsiderations}}件、行政诉讼案件{{lawsuits}}件。"
    ));
    p.insert("s1_3".into(), "严格落实信息发布保密审查和“三审三校”制度，建立发布审核台账和责任追溯机制。围绕重要政策文件开展政策解读{interpretations}篇，其中视频解读{video_interpretations}篇。".into());
    p.insert("s1_4".into(), if district {
        "加强政务新媒体管理，备案在册政务新媒体账号{new_media_accounts}个。依申请政务服务事项{service_items}项，其中“最多跑一次”事项{service_items_one_visit}项；依申请及公共服务事项{public_service_items}项，其中可网上办理{service_items_online}项。".into()
    } else {
        "持续做好政府网站和政务新媒体的内容保障工作。".into()
    });
    p.insert("s1_5".into(), if district {
        "将政务公开工作纳入年度绩效考核。开展政府网站和政务新媒体检查，印发通报{inspection_notices}期，督促整改问题{problems_rectified}个。组织政务公开业务培训{trainings}场（其中市级{city_trainings}场），参训{training_attendance}人次。".into()
    } else {
        "按照上级要求开展政务公开自查，及时整改发现的问题。".into()
    });
    p.insert("s5".into(), "（一）存在的主要问题。政府网站和政务新媒体的日常管理仍需加强，政策解读形式还不够丰富，政务公开队伍的业务能力有待提升。\n（二）改进情况。下一步，将进一步健全网站和新媒体巡查机制，丰富图解、视频等解读形式，加强业务培训，推动政务公开工作提质增效。".into());
    p.insert(
        "s6".into(),
        format!("{year}年，{who}共收取信息处理费{{fees_collected_yuan}}元{{fees_note}}。"),
    );
    p
}

/// The placeholders of a text, in order, without duplicates.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let key = &after[..j];
                if !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !out.iter().any(|k: &String| k == key)
                {
                    out.push(key.to_string());
                }
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

/// The text with each placeholder replaced by its figure; unknown placeholders are errors.
pub fn render(text: &str, figures: &Figures) -> Result<String, Vec<String>> {
    let unknown: Vec<String> = placeholders(text)
        .into_iter()
        .filter(|k| !figures.contains_key(k))
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let mut out = text.to_string();
    for (k, v) in figures {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    Ok(out)
}

/// Numbers typed into the prose (outside placeholders) that equal a figure: each should be the
/// figure's placeholder instead. Small numbers (below 10) and years are left alone.
pub fn typed_figures(text: &str, figures: &Figures) -> Vec<(String, String)> {
    let mut without = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        without.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    without.push_str(rest);
    let mut out = Vec::new();
    let mut number = String::new();
    let mut flush = |n: &mut String| {
        if n.len() >= 2
            && let Ok(v) = n.parse::<u64>()
            && v >= 10
            && !(1990..=2100).contains(&v)
            && let Some((k, _)) = figures.iter().find(|(_, f)| **f == *n)
            && !out.iter().any(|(x, _): &(String, String)| x == n)
        {
            out.push((n.clone(), k.clone()));
        }
        n.clear();
    };
    for c in without.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            flush(&mut number);
        }
    }
    flush(&mut number);
    out
}

/// One check of the prose: a section and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProseProblem {
    pub section: String,
    pub message: String,
}

/// Check every section: unknown placeholders, and figures typed by hand.
pub fn check(prose: &Prose, figures: &Figures) -> Vec<ProseProblem> {
    let mut out = Vec::new();
    for (key, title) in SECTIONS {
        let text = prose.get(key).map(String::as_str).unwrap_or("");
        if let Err(unknown) = render(text, figures) {
            out.push(ProseProblem {
                section: title.to_string(),
                message: format!(
                    "没有这些数据项：{}",
                    unknown
                        .iter()
                        .map(|u| format!("{{{u}}}"))
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            });
        }
        for (n, k) in typed_figures(text, figures) {
            out.push(ProseProblem {
                section: title.to_string(),
                message: format!("数字 {n} 是手工填写的，请改用占位符 {{{k}}}，由记录生成"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        [
            ("portal_items", "41600"),
            ("applications_received", "455"),
            ("lawsuits", "10"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn placeholders_render_and_unknown_ones_are_named() {
        let f = figures();
        assert_eq!(
            render(
                "公开信息{portal_items}条，收到申请{applications_received}件。",
                &f
            )
            .unwrap(),
            "公开信息41600条，收到申请455件。"
        );
        assert_eq!(
            render("{portal_itmes}条", &f).unwrap_err(),
            vec!["portal_itmes".to_string()]
        );
        // Braces that are not placeholders stay as they are.
        assert_eq!(render("{ 例 }", &f).unwrap(), "{ 例 }");
    }

    #[test]
    fn a_typed_figure_is_flagged_with_its_placeholder() {
        let f = figures();
        let typed = typed_figures("2021年收到申请455件，诉讼{lawsuits}件，共3类。", &f);
        assert_eq!(
            typed,
            vec![("455".to_string(), "applications_received".to_string())]
        );
        let prose: Prose = [("s1_2".to_string(), "收到申请455件".to_string())]
            .into_iter()
            .collect();
        let problems = check(&prose, &f);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("{applications_received}"));
    }

    #[test]
    fn the_proposal_uses_only_placeholders_for_figures() {
        let p = proposed("全区", 2021, true);
        assert_eq!(p.len(), SECTIONS.len());
        let keys: Vec<String> = p.values().flat_map(|t| placeholders(t)).collect();
        assert!(keys.contains(&"portal_items".to_string()));
        assert!(keys.contains(&"fees_collected_yuan".to_string()));
        // No digits but the year are typed into the proposal.
        for t in p.values() {
            let digits: String = t
                .replace("2021", "")
                .chars()
                .filter(|c| c.is_ascii_digit())
                .collect();
            assert!(digits.is_empty(), "{t}");
        }
    }
}
