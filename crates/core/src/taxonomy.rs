//! The statutory labels of the annual report's table 三 (国办公开办函〔2021〕30号) as data, with the
//! article of the Regulation each outcome rests on. The application workflow, the report and the
//! report reader all read them from here.

use serde::{Deserialize, Serialize};

/// Applicant columns of table 三 (the 总计 column is their sum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantType {
    /// 自然人
    Natural,
    /// 商业企业
    Commercial,
    /// 科研机构
    Research,
    /// 社会公益组织
    PublicInterest,
    /// 法律服务机构
    LegalService,
    /// 其他
    Other,
}

impl ApplicantType {
    pub const ALL: [ApplicantType; 6] = [
        ApplicantType::Natural,
        ApplicantType::Commercial,
        ApplicantType::Research,
        ApplicantType::PublicInterest,
        ApplicantType::LegalService,
        ApplicantType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantType::Natural => "natural",
            ApplicantType::Commercial => "commercial",
            ApplicantType::Research => "research",
            ApplicantType::PublicInterest => "public_interest",
            ApplicantType::LegalService => "legal_service",
            ApplicantType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ApplicantType> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s || t.label() == s)
    }

    /// The column label of table 三.
    pub fn label(self) -> &'static str {
        match self {
            ApplicantType::Natural => "自然人",
            ApplicantType::Commercial => "商业企业",
            ApplicantType::Research => "科研机构",
            ApplicantType::PublicInterest => "社会公益组织",
            ApplicantType::LegalService => "法律服务机构",
            ApplicantType::Other => "其他",
        }
    }

    pub fn is_natural_person(self) -> bool {
        self == ApplicantType::Natural
    }
}

/// One concluding outcome: a numbered row of table 三's 三、本年度办理结果.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// A stable key: "1", "2", "3.1" … "6.3".
    pub key: &'static str,
    /// The group caption the row sits under, verbatim.
    pub group: &'static str,
    /// The row label, verbatim.
    pub label: &'static str,
    /// The provision(s) of the Regulation the outcome rests on.
    pub basis: &'static str,
}

const G1: &str = "（一）予以公开";
const G2: &str = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）";
const G3: &str = "（三）不予公开";
const G4: &str = "（四）无法提供";
const G5: &str = "（五）不予处理";
const G6: &str = "（六）其他处理";

/// Every outcome row, in the order of the table.
pub const OUTCOMES: &[Outcome] = &[
    Outcome {
        key: "1",
        group: G1,
        label: G1,
        basis: "第三十六条第（一）（二）项",
    },
    Outcome {
        key: "2",
        group: G2,
        label: G2,
        basis: "第三十七条",
    },
    Outcome {
        key: "3.1",
        group: G3,
        label: "1.属于国家秘密",
        basis: "第十四条",
    },
    Outcome {
        key: "3.2",
        group: G3,
        label: "2.其他法律行政法规禁止公开",
        basis: "第十四条",
    },
    Outcome {
        key: "3.3",
        group: G3,
        label: "3.危及“三安全一稳定”",
        basis: "第十四条",
    },
    Outcome {
        key: "3.4",
        group: G3,
        label: "4.保护第三方合法权益",
        basis: "第十五条、第三十二条",
    },
    Outcome {
        key: "3.5",
        group: G3,
        label: "5.属于三类内部事务信息",
        basis: "第十六条第一款",
    },
    Outcome {
        key: "3.6",
        group: G3,
        label: "6.属于四类过程性信息",
        basis: "第十六条第二款",
    },
    Outcome {
        key: "3.7",
        group: G3,
        label: "7.属于行政执法案卷",
        basis: "第十六条第二款",
    },
    Outcome {
        key: "3.8",
        group: G3,
        label: "8.属于行政查询事项",
        basis: "第三十六条第（七）项",
    },
    Outcome {
        key: "4.1",
        group: G4,
        label: "1.本机关不掌握相关政府信息",
        basis: "第三十六条第（四）（五）项",
    },
    Outcome {
        key: "4.2",
        group: G4,
        label: "2.没有现成信息需要另行制作",
        basis: "第三十八条",
    },
    Outcome {
        key: "4.3",
        group: G4,
        label: "3.补正后申请内容仍不明确",
        basis: "第三十条",
    },
    Outcome {
        key: "5.1",
        group: G5,
        label: "1.信访举报投诉类申请",
        basis: "第三十九条第一款",
    },
    Outcome {
        key: "5.2",
        group: G5,
        label: "2.重复申请",
        basis: "第三十六条第（六）项",
    },
    Outcome {
        key: "5.3",
        group: G5,
        label: "3.要求提供公开出版物",
        basis: "第三十九条第二款",
    },
    Outcome {
        key: "5.4",
        group: G5,
        label: "4.无正当理由大量反复申请",
        basis: "第三十五条",
    },
    Outcome {
        key: "5.5",
        group: G5,
        label: "5.要求行政机关确认或重新出具已获取信息",
        basis: "第三十九条",
    },
    Outcome {
        key: "6.1",
        group: G6,
        label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        basis: "第三十条",
    },
    Outcome {
        key: "6.2",
        group: G6,
        label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        basis: "国办函〔2020〕109号",
    },
    Outcome {
        key: "6.3",
        group: G6,
        label: "3.其他",
        basis: "",
    },
];

pub fn outcome(key: &str) -> Option<&'static Outcome> {
    OUTCOMES.iter().find(|o| o.key == key)
}

/// Kinds of review case of table 四.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼 · 未经复议直接起诉
    DirectLawsuit,
    /// 行政诉讼 · 复议后起诉
    LawsuitAfterReconsideration,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [
        CaseKind::Reconsideration,
        CaseKind::DirectLawsuit,
        CaseKind::LawsuitAfterReconsideration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Reconsideration => "reconsideration",
            CaseKind::DirectLawsuit => "direct_lawsuit",
            CaseKind::LawsuitAfterReconsideration => "lawsuit_after_reconsideration",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Reconsideration => "行政复议",
            CaseKind::DirectLawsuit => "未经复议直接起诉",
            CaseKind::LawsuitAfterReconsideration => "复议后起诉",
        }
    }
}

/// Results of a review case as of a date (尚未审结 while open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseResult {
    /// 结果维持
    Upheld,
    /// 结果纠正
    Corrected,
    /// 其他结果
    Other,
    /// 尚未审结
    Pending,
}

impl CaseResult {
    pub const ALL: [CaseResult; 4] = [
        CaseResult::Upheld,
        CaseResult::Corrected,
        CaseResult::Other,
        CaseResult::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseResult::Upheld => "upheld",
            CaseResult::Corrected => "corrected",
            CaseResult::Other => "other",
            CaseResult::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Option<CaseResult> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseResult::Upheld => "结果维持",
            CaseResult::Corrected => "结果纠正",
            CaseResult::Other => "其他结果",
            CaseResult::Pending => "尚未审结",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_unique_and_complete() {
        let mut keys: Vec<_> = OUTCOMES.iter().map(|o| o.key).collect();
        keys.dedup();
        assert_eq!(keys.len(), 21);
        assert_eq!(OUTCOMES.iter().filter(|o| o.group == G3).count(), 8);
        assert_eq!(
            outcome("2").unwrap().label,
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
        );
        assert!(
            ApplicantType::ALL
                .iter()
                .all(|t| ApplicantType::parse(t.label()) == Some(*t))
        );
    }
}
