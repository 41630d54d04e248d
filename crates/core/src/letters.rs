//! Letters to applicants, generated from the record as an editable first draft. Every answer
//! letter names its legal basis and the applicant's remedies: 行政复议 within 60 days
//! (《中华人民共和国行政复议法》第二十条) and 行政诉讼 within 6 months (《中华人民共和国行政诉讼法》
//! 第四十六条) of learning of the answer.

use crate::taxonomy::outcome;
use chrono::NaiveDate;

/// What a letter is about.
pub struct LetterContext<'a> {
    pub applicant_name: &'a str,
    pub tracking_code: &'a str,
    pub received_on: Option<NaiveDate>,
    pub info_description: &'a str,
    pub unit_name: &'a str,
    /// The government the unit reports to (for the reconsideration body).
    pub government_name: &'a str,
    pub issued_on: NaiveDate,
}

fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// What the answer tells for each outcome, before the remedies.
fn outcome_text(key: &str) -> &'static str {
    match key {
        "1" => {
            "经审查，您申请获取的政府信息属于公开范围，本机关决定予以公开，所需信息随本答复书一并提供（或按您选择的方式提供）。已经主动公开的，本机关已告知获取的方式和途径。"
        }
        "2" => {
            "经审查，您申请获取的政府信息中部分内容依法不予公开，本机关对能够区分处理的部分予以公开，不予公开的部分及理由如下：［请写明不予公开的内容及理由］。"
        }
        "3.1" => {
            "经审查，您申请获取的政府信息依法确定为国家秘密，根据《中华人民共和国政府信息公开条例》第十四条的规定，不予公开。"
        }
        "3.2" => {
            "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的信息，根据《中华人民共和国政府信息公开条例》第十四条的规定，不予公开。"
        }
        "3.3" => {
            "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，根据《中华人民共和国政府信息公开条例》第十四条的规定，不予公开。"
        }
        "3.4" => {
            "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，经征求第三方意见，根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定，不予公开。"
        }
        "3.5" => {
            "经审查，您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，根据《中华人民共和国政府信息公开条例》第十六条第一款的规定，可以不予公开。"
        }
        "3.6" => {
            "经审查，您申请获取的信息属于行政机关在履行行政管理职能过程中形成的过程性信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定，可以不予公开。"
        }
        "3.7" => {
            "经审查，您申请获取的信息属于行政执法案卷信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定，可以不予公开。"
        }
        "3.8" => {
            "经审查，您申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的事项，根据《中华人民共和国政府信息公开条例》第三十六条第（七）项的规定，请依照有关法律、行政法规的规定办理。"
        }
        "4.1" => {
            "经检索查找，本机关未制作、获取您申请的政府信息，根据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定，告知您该政府信息不存在。［如能确定负责公开的机关，请写明其名称、联系方式（第三十六条第（五）项）］"
        }
        "4.2" => {
            "经审查，您申请的信息需要本机关对现有政府信息进行加工、分析，根据《中华人民共和国政府信息公开条例》第三十八条的规定，本机关可以不予提供。"
        }
        "4.3" => {
            "本机关已于此前一次性告知您补正申请，但补正后的申请内容仍不明确，根据《中华人民共和国政府信息公开条例》第三十条的规定，本机关无法提供。"
        }
        "5.1" => {
            "经审查，您以政府信息公开申请的形式提出的是信访、投诉、举报等诉求，根据《中华人民共和国政府信息公开条例》第三十九条第一款的规定，本机关不作为政府信息公开申请处理，请通过相应渠道提出。"
        }
        "5.2" => {
            "经审查，您已就相同内容提出过政府信息公开申请，本机关已作出答复，您重复申请的，根据《中华人民共和国政府信息公开条例》第三十六条第（六）项的规定，不予重复处理。"
        }
        "5.3" => {
            "经审查，您要求提供的是公开出版物，根据《中华人民共和国政府信息公开条例》第三十九条第二款的规定，本机关可以告知获取的途径，不作为政府信息公开申请处理。"
        }
        "5.4" => {
            "经审查，您的申请数量、频次明显超过合理范围，且未能说明理由或理由不合理，根据《中华人民共和国政府信息公开条例》第三十五条的规定，本机关不予处理。"
        }
        "5.5" => {
            "经审查，您要求本机关确认或者重新出具已获取的信息，根据《中华人民共和国政府信息公开条例》第三十九条的规定，不作为政府信息公开申请处理。"
        }
        "6.1" => {
            "本机关已一次性告知您补正申请，您无正当理由逾期未补正，根据《中华人民共和国政府信息公开条例》第三十条的规定，视为放弃申请，本机关不再处理该政府信息公开申请。"
        }
        "6.2" => {
            "本机关已向您发出收费通知，您逾期未按收费通知要求缴纳费用，根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关不再处理该政府信息公开申请。"
        }
        _ => "［请写明办理结果及其依据］",
    }
}

/// The first draft of an answer letter (政府信息公开申请答复书) for `outcome_key`.
pub fn answer_letter(ctx: &LetterContext<'_>, outcome_key: &str) -> (String, String) {
    let title = format!("{}政府信息公开申请答复书", ctx.unit_name);
    let received = ctx
        .received_on
        .map(cn_date)
        .unwrap_or_else(|| "［收到日期］".into());
    let label = outcome(outcome_key).map(|o| o.label).unwrap_or("");
    let remedies = format!(
        "\n\n如对本答复不服，可以自收到本答复之日起六十日内向{}申请行政复议，或者自收到本答复之日起六个月内向人民法院提起行政诉讼。",
        ctx.government_name
    );
    let body = format!(
        "{name}：\n\n本机关于{received}收到您的政府信息公开申请（申请编号：{code}），您申请获取：“{info}”。\n\n{text}{remedies}\n\n（办理结果：{label}）\n\n{unit}\n{date}",
        name = ctx.applicant_name,
        code = ctx.tracking_code,
        info = ctx.info_description,
        text = outcome_text(outcome_key),
        unit = ctx.unit_name,
        date = cn_date(ctx.issued_on),
    );
    (title, body)
}

/// A notice sent while an application is handled (补正 · 延期 · 收费), generated when the event is
/// recorded so the applicant reads it on the status page.
pub fn notice_for(
    ctx: &LetterContext<'_>,
    event: &crate::application::Event,
    due_after: Option<NaiveDate>,
) -> Option<(&'static str, String, String)> {
    use crate::application::Event;
    let head = format!(
        "{}：\n\n本机关于{}收到您的政府信息公开申请（申请编号：{}），您申请获取：“{}”。",
        ctx.applicant_name,
        ctx.received_on
            .map(cn_date)
            .unwrap_or_else(|| "［收到日期］".into()),
        ctx.tracking_code,
        ctx.info_description
    );
    let tail = format!("\n\n{}\n{}", ctx.unit_name, cn_date(ctx.issued_on));
    match event {
        Event::CorrectionRequested { content, by, .. } => Some((
            "correction",
            format!("{}政府信息公开申请补正告知书", ctx.unit_name),
            format!(
                "{head}\n\n经审查，您的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，请您对以下事项作出补正：{content}\n\n请于{}前提交补正材料。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。{tail}",
                cn_date(*by)
            ),
        )),
        Event::Extended { .. } => Some((
            "extension",
            format!("{}政府信息公开申请延期答复告知书", ctx.unit_name),
            format!(
                "{head}\n\n因需要延长答复期限，经本机关政府信息公开工作机构负责人同意，根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，答复期限延长20个工作日{}。{tail}",
                due_after
                    .map(|d| format!("，延长后的答复期限为{}", cn_date(d)))
                    .unwrap_or_default()
            ),
        )),
        Event::FeeNotice {
            method,
            quantity,
            amount_yuan,
            on,
        } => Some((
            "fee",
            format!("{}政府信息公开信息处理费收费通知书", ctx.unit_name),
            format!(
                "{head}\n\n根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），您的申请数量、频次明显超过合理范围，本机关依照{}标准收取信息处理费：数量{quantity}{}，金额{amount_yuan}元。\n\n请自收到本通知之日起20个工作日内缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。等待缴费的时间不计入答复期限。（通知日期：{}）{tail}",
                method.label(),
                if matches!(method, crate::fees::FeeMethod::Pages) {
                    "页"
                } else {
                    "件（本自然月累计）"
                },
                cn_date(*on)
            ),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_letters_name_basis_and_remedies() {
        let ctx = LetterContext {
            applicant_name: "张三",
            tracking_code: "20211012ABCDEF",
            received_on: NaiveDate::from_ymd_opt(2021, 10, 12),
            info_description: "某项目规划许可证",
            unit_name: "广州市番禺区住房和城乡建设局",
            government_name: "广州市番禺区人民政府",
            issued_on: NaiveDate::from_ymd_opt(2021, 11, 1).unwrap(),
        };
        let (title, body) = answer_letter(&ctx, "4.1");
        assert!(title.ends_with("政府信息公开申请答复书"));
        assert!(body.contains("2021年10月12日") && body.contains("第三十六条第（四）项"));
        assert!(body.contains("六十日内") && body.contains("六个月内"));
        assert!(body.contains("1.本机关不掌握相关政府信息"));
        let (_, body) = answer_letter(&ctx, "1");
        assert!(body.contains("予以公开") && body.contains("行政复议"));
    }
}
