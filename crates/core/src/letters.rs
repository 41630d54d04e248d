//! Letters to applicants, generated from the record as an editable first draft. Every answer
//! letter names its legal basis and the applicant's remedies: 行政复议 within 60 days
//! (《中华人民共和国行政复议法》第二十条) and 行政诉讼 within 6 months (《中华人民共和国行政诉讼法》
//! 第四十六条) of learning of the answer. What a letter says happened (a consultation, a
//! correction, a fee notice) is read from the application's events, never assumed; the outcome
//! row of table 三 is the answer's metadata, not letter text. [`problems`] finds what must not go
//! out: unfilled ［…］ placeholders, doubled marks, ASCII punctuation inside Chinese text.

use crate::application::{Event, correction_received, correction_request, fee_notice};
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
    /// The application's events: the facts a letter may state.
    pub events: &'a [Event],
}

fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

const CONDITIONS: &str = "《中华人民共和国政府信息公开条例》";

/// The third parties consulted (Art. 32) and whether any refused or let the period pass.
fn third_parties(events: &[Event]) -> Option<(Vec<&str>, bool)> {
    let parties: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::ConsultationSent {
                third_party: true,
                party,
                ..
            } => Some(party.as_str()),
            _ => None,
        })
        .collect();
    if parties.is_empty() {
        return None;
    }
    let consented = events
        .iter()
        .filter(|e| matches!(e, Event::ConsultationReplied { consents: true, .. }))
        .count();
    Some((parties.clone(), consented < parties.len()))
}

/// What the answer tells for each outcome, before the remedies.
fn outcome_text(key: &str, events: &[Event]) -> String {
    let correction = correction_request(events);
    let corrected = correction_received(events);
    let fee = fee_notice(events).map(|(on, _)| on);
    let refused = |why: &str, article: &str| {
        format!(
            "经审查，{why}，根据{CONDITIONS}{article}和第三十六条第（三）项的规定，决定不予公开。"
        )
    };
    match key {
        "1" => format!(
            "经审查，您申请获取的政府信息属于可以公开的政府信息，根据{CONDITIONS}第三十六条第（二）项的规定，本机关决定予以公开，所需信息随本答复书一并提供。"
        ),
        "2" => format!(
            "经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据{CONDITIONS}第三十七条的规定，本机关向您提供可以公开的内容，不予公开的内容及理由如下：［请写明不予公开的内容及理由］。"
        ),
        "3.1" => refused("您申请获取的政府信息依法确定为国家秘密", "第十四条"),
        "3.2" => refused(
            "您申请获取的政府信息属于法律、行政法规禁止公开的信息",
            "第十四条",
        ),
        "3.3" => refused(
            "您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定",
            "第十四条",
        ),
        "3.4" => match third_parties(events) {
            Some((parties, _)) => refused(
                &format!(
                    "您申请获取的政府信息涉及商业秘密、个人隐私等，本机关书面征求了第三方（{}）的意见，公开会损害第三方合法权益",
                    parties.join("、")
                ),
                "第十五条、第三十二条",
            ),
            None => refused(
                "您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
                "第十五条",
            ),
        },
        "3.5" => format!(
            "经审查，您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，根据{CONDITIONS}第十六条第一款和第三十六条第（三）项的规定，可以不予公开。"
        ),
        "3.6" => format!(
            "经审查，您申请获取的信息属于行政机关在履行行政管理职能过程中形成的过程性信息，根据{CONDITIONS}第十六条第二款和第三十六条第（三）项的规定，可以不予公开。"
        ),
        "3.7" => format!(
            "经审查，您申请获取的信息属于行政执法案卷信息，根据{CONDITIONS}第十六条第二款和第三十六条第（三）项的规定，可以不予公开。"
        ),
        "3.8" => format!(
            "经审查，您申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的事项，根据{CONDITIONS}第三十六条第（七）项的规定，请依照有关法律、行政法规的规定办理。"
        ),
        "4.1" => format!(
            "经检索查找，本机关未制作、获取您申请的政府信息，根据{CONDITIONS}第三十六条第（四）项的规定，告知您该政府信息不存在。"
        ),
        "4.2" => format!(
            "经审查，您申请的信息需要本机关对现有政府信息进行加工、分析，根据{CONDITIONS}第三十八条的规定，本机关可以不予提供。"
        ),
        "4.3" => format!(
            "本机关已于{}一次性告知您补正申请，{}补正后的申请内容仍不明确，根据{CONDITIONS}第三十条的规定，本机关无法提供。",
            correction.map(|(on, _)| cn_date(on)).unwrap_or_default(),
            corrected
                .map(|on| format!("您于{}提交了补正后的申请，但", cn_date(on)))
                .unwrap_or_default(),
        ),
        "5.1" => format!(
            "经审查，您以政府信息公开申请的形式提出的是信访、投诉、举报等诉求，根据{CONDITIONS}第三十九条第一款的规定，本机关不作为政府信息公开申请处理，请通过相应渠道提出。"
        ),
        "5.2" => format!(
            "经审查，您已就相同内容提出过政府信息公开申请，本机关已作出答复，您重复申请的，根据{CONDITIONS}第三十六条第（六）项的规定，不予重复处理。"
        ),
        "5.3" => format!(
            "经审查，您要求提供的是公开出版物，根据{CONDITIONS}第三十九条第二款的规定，本机关可以告知获取的途径，不作为政府信息公开申请处理。"
        ),
        "5.4" => format!(
            "经审查，您的申请数量、频次明显超过合理范围，且未能说明理由或理由不合理，根据{CONDITIONS}第三十五条的规定，本机关不予处理。"
        ),
        "5.5" => format!(
            "经审查，您要求本机关确认或者重新出具已获取的信息，根据{CONDITIONS}第三十九条第二款的规定，不作为政府信息公开申请处理。"
        ),
        "6.1" => format!(
            "本机关已于{}一次性告知您补正申请{}，您无正当理由逾期未补正，根据{CONDITIONS}第三十条的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
            correction.map(|(on, _)| cn_date(on)).unwrap_or_default(),
            correction
                .map(|(_, by)| format!("并请您于{}前补正", cn_date(by)))
                .unwrap_or_default(),
        ),
        "6.2" => format!(
            "本机关已于{}向您发出收费通知，您逾期未按收费通知要求缴纳费用，根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
            fee.map(cn_date).unwrap_or_default()
        ),
        "6.3" => {
            "经确认，［请写明不再处理的原因及依据］，本机关不再处理该政府信息公开申请。".into()
        }
        _ => "［请写明办理结果及其依据］".into(),
    }
}

/// The applicant's words as quoted in a letter, without a final mark that would double the
/// letter's own (“……。”。).
fn quoted(request: &str) -> &str {
    request
        .trim()
        .trim_end_matches(['。', '.', '；', ';', '，', ',', '、', '！', '!'])
        .trim_end()
}

/// The first draft of an answer letter (政府信息公开申请答复书) for `outcome_key`.
pub fn answer_letter(ctx: &LetterContext<'_>, outcome_key: &str) -> (String, String) {
    let title = format!("{}政府信息公开申请答复书", ctx.unit_name);
    let received = ctx
        .received_on
        .map(cn_date)
        .unwrap_or_else(|| "［收到日期］".into());
    let remedies = format!(
        "\n\n如对本答复不服，可以自收到本答复之日起六十日内向{}申请行政复议，或者自收到本答复之日起六个月内向人民法院提起行政诉讼。",
        ctx.government_name
    );
    let body = format!(
        "{name}：\n\n本机关于{received}收到您的政府信息公开申请（申请编号：{code}），您申请获取：“{info}”。\n\n{text}{remedies}\n\n{unit}\n{date}",
        name = ctx.applicant_name,
        code = ctx.tracking_code,
        info = quoted(ctx.info_description),
        text = outcome_text(outcome_key, ctx.events),
        unit = ctx.unit_name,
        date = cn_date(ctx.issued_on),
    );
    (title, body)
}

/// The ［…］ placeholders of a draft that a person must fill before it goes out.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('［') {
        let after = &rest[start..];
        match after.find('］') {
            Some(end) => {
                out.push(&after[..end + '］'.len_utf8()]);
                rest = &after[end + '］'.len_utf8()..];
            }
            None => {
                out.push(after);
                break;
            }
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// What is wrong with a letter's text, in words for the person who wrote it: unfilled
/// placeholders, a mark doubled (also across a closing quote: “……。”。), ASCII punctuation
/// beside Chinese text.
pub fn problems(text: &str) -> Vec<String> {
    let mut out: Vec<String> = placeholders(text)
        .into_iter()
        .map(|p| format!("尚有待填写的内容：{p}"))
        .collect();
    const MARKS: &[char] = &['。', '，', '；', '：', '、', '！', '？'];
    const CLOSERS: &[char] = &['”', '’', '）', '」', '』', '》'];
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if MARKS.contains(c) {
            let mut j = i + 1;
            while j < chars.len() && CLOSERS.contains(&chars[j]) {
                j += 1;
            }
            if j < chars.len() && MARKS.contains(&chars[j]) {
                out.push(format!(
                    "标点重复：“{}”",
                    chars[i..=j].iter().collect::<String>()
                ));
            }
        }
        if matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')') {
            let before = i.checked_sub(1).map(|k| chars[k]);
            let after = chars.get(i + 1).copied();
            let digits = before.is_some_and(|b| b.is_ascii_digit())
                && after.is_some_and(|a| a.is_ascii_digit());
            if !digits && (before.is_some_and(is_cjk) || after.is_some_and(is_cjk)) {
                out.push(format!("中文中使用了半角标点“{c}”"));
            }
        }
    }
    out
}

/// A notice sent while an application is handled (补正 · 延期 · 收费), generated when the event is
/// recorded so the applicant reads it on the status page.
pub fn notice_for(
    ctx: &LetterContext<'_>,
    event: &Event,
    due_after: Option<NaiveDate>,
) -> Option<(&'static str, String, String)> {
    let head = format!(
        "{}：\n\n本机关于{}收到您的政府信息公开申请（申请编号：{}），您申请获取：“{}”。",
        ctx.applicant_name,
        ctx.received_on
            .map(cn_date)
            .unwrap_or_else(|| "［收到日期］".into()),
        ctx.tracking_code,
        quoted(ctx.info_description)
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
    use crate::taxonomy::OUTCOMES;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ctx<'a>(events: &'a [Event], request: &'a str) -> LetterContext<'a> {
        LetterContext {
            applicant_name: "张三",
            tracking_code: "20211012ABCDEF",
            received_on: Some(d(2021, 10, 12)),
            info_description: request,
            unit_name: "广州市番禺区住房和城乡建设局",
            government_name: "广州市番禺区人民政府",
            issued_on: d(2021, 11, 1),
            events,
        }
    }

    #[test]
    fn answer_letters_name_basis_and_remedies() {
        let (title, body) = answer_letter(&ctx(&[], "某项目规划许可证"), "4.1");
        assert!(title.ends_with("政府信息公开申请答复书"));
        assert!(body.contains("2021年10月12日") && body.contains("第三十六条第（四）项"));
        assert!(body.contains("六十日内") && body.contains("六个月内"));
        let (_, body) = answer_letter(&ctx(&[], "某项目规划许可证"), "1");
        assert!(body.contains("予以公开") && body.contains("第三十六条第（二）项"));
    }

    /// Every outcome's first draft: no table label, no doubled or half-width marks, and either
    /// nothing to fill or a placeholder that says what to fill.
    #[test]
    fn every_outcomes_draft_reads_as_a_letter() {
        let events = [
            Event::Received {
                on: d(2021, 10, 12),
            },
            Event::CorrectionRequested {
                on: d(2021, 10, 13),
                content: "请明确文号".into(),
                by: d(2021, 10, 20),
            },
            Event::CorrectionReceived {
                on: d(2021, 10, 18),
            },
        ];
        for o in OUTCOMES {
            let (_, body) = answer_letter(&ctx(&events, "某项目规划许可证。"), o.key);
            assert!(
                !body.contains(o.label),
                "{}: the table's label in the letter",
                o.key
            );
            assert!(!body.contains("办理结果："), "{}", o.key);
            // 6.3 (其他) has no one basis: its placeholder asks for it.
            let cites = (body.contains("第") && body.contains("条")) || body.contains("109号");
            assert!(cites || o.key == "6.3", "{}: no legal basis", o.key);
            let found: Vec<String> = problems(&body)
                .into_iter()
                .filter(|p| !p.starts_with("尚有待填写"))
                .collect();
            assert!(found.is_empty(), "{}: {found:?}\n{body}", o.key);
            let to_fill = placeholders(&body);
            if ["2", "6.3"].contains(&o.key) {
                assert_eq!(to_fill.len(), 1, "{}", o.key);
                assert!(to_fill[0].contains("请写明"), "{}", o.key);
            } else {
                assert!(to_fill.is_empty(), "{}: {to_fill:?}", o.key);
            }
        }
    }

    #[test]
    fn facts_in_a_letter_come_from_the_events() {
        let (_, body) = answer_letter(&ctx(&[], "x"), "3.4");
        assert!(!body.contains("征求") && body.contains("第十五条"));
        let consulted = [
            Event::Received {
                on: d(2021, 10, 12),
            },
            Event::ConsultationSent {
                on: d(2021, 10, 14),
                third_party: true,
                party: "某建设公司".into(),
            },
        ];
        let (_, body) = answer_letter(&ctx(&consulted, "x"), "3.4");
        assert!(body.contains("征求了第三方（某建设公司）的意见") && body.contains("第三十二条"));
        let corrected = [
            Event::CorrectionRequested {
                on: d(2021, 10, 13),
                content: "请明确文号".into(),
                by: d(2021, 10, 20),
            },
            Event::CorrectionReceived {
                on: d(2021, 10, 18),
            },
        ];
        let (_, body) = answer_letter(&ctx(&corrected, "x"), "4.3");
        assert!(body.contains("2021年10月13日一次性告知") && body.contains("2021年10月18日提交"));
    }

    #[test]
    fn problems_are_found_and_named() {
        assert!(
            problems("您申请获取：“某文件。”。")
                .iter()
                .any(|p| p.contains("“。”。”"))
        );
        assert!(
            problems("本机关决定,予以公开")
                .iter()
                .any(|p| p.contains("“,”"))
        );
        assert!(problems("金额为 2.5 元，共 1,200 页").is_empty());
        assert_eq!(
            problems("理由如下：［请写明理由］。"),
            vec!["尚有待填写的内容：［请写明理由］".to_string()]
        );
        // The quoted request loses its own final mark.
        let (_, body) = answer_letter(&ctx(&[], "某项目规划许可证。"), "1");
        assert!(body.contains("“某项目规划许可证”。"));
    }
}
