//! What a handler does on an application's page: record an event (receipt, correction,
//! consultation, extension, fee …), answer with a letter, file and decide review cases,
//! transfer, and download letters and attachments.

use super::*;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EventForm {
    csrf: String,
    action: String,
    on: String,
    content: String,
    by: String,
    party: String,
    third_party: String,
    consultation: String,
    consents: String,
    approved_by: String,
    method: String,
    quantity: String,
    reason: String,
}

pub(super) async fn add_event(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<EventForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let event = match build_event(&f) {
        Ok(e) => e,
        Err(msg) => return application_view(&state, &me, app, msg, String::new()).await,
    };
    match state
        .store
        .record_event(&me.actor(), app.id, event, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/applications/{id}?done=1")).into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

fn date(s: &str, what: &str) -> Result<NaiveDate, String> {
    parse_date(s).map_err(|m| format!("{what}：{m}"))
}

/// The event a form asks for. Amounts are never read from the form: the command computes fees
/// by the 109号 brackets (按件 from the applicant's applications that month) and takes a
/// payment's amount from its notice.
fn build_event(f: &EventForm) -> Result<Event, String> {
    let on = date(&f.on, "日期")?;
    Ok(match f.action.as_str() {
        "receive" => Event::Received { on },
        "correct_receipt" => Event::ReceiptCorrected {
            on,
            reason: f.reason.trim().to_string(),
        },
        "correction" => Event::CorrectionRequested {
            on,
            content: f.content.trim().to_string(),
            by: date(&f.by, "补正期限")?,
        },
        "correction_received" => Event::CorrectionReceived { on },
        "consult" => Event::ConsultationSent {
            on,
            third_party: f.third_party != "0",
            party: f.party.trim().to_string(),
        },
        "consult_reply" => {
            let (sent, party) = f.consultation.split_once('|').ok_or("请选择征求意见函")?;
            Event::ConsultationReplied {
                on,
                sent_on: date(sent, "发函日期")?,
                party: party.to_string(),
                consents: f.consents == "1",
            }
        }
        "extend" => Event::Extended {
            on,
            approved_by: f.approved_by.trim().to_string(),
        },
        "fee_notice" => {
            let (method, quantity) = match f.method.as_str() {
                "pages" => (
                    FeeMethod::Pages,
                    f.quantity
                        .trim()
                        .parse()
                        .map_err(|_| "页数应为正整数".to_string())?,
                ),
                "items" => (FeeMethod::Items, 0),
                _ => return Err("请选择计收方式".into()),
            };
            Event::FeeNotice {
                on,
                method,
                quantity,
                amount_yuan: 0,
            }
        }
        "fee_paid" => Event::FeePaid { on, amount_yuan: 0 },
        "archive" => Event::Archived { on },
        other => return Err(format!("未知的办理操作“{other}”")),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AnswerQuery {
    outcome: String,
}

async fn answer_editor(
    state: &AppState,
    me: &CurrentStaff,
    app: Application,
    outcome_key: String,
    on: String,
    draft: Option<(String, String)>,
    error: String,
) -> Result<Response, AppError> {
    let o =
        outcome(&outcome_key).ok_or_else(|| AppError::BadRequest("请选择一项办理结果。".into()))?;
    let (title, body) = match draft {
        Some(d) => d,
        None => {
            state
                .store
                .draft_answer(
                    &app,
                    &outcome_key,
                    parse_date(&on).unwrap_or_else(|_| today()),
                )
                .await?
        }
    };
    let accepted = error.is_empty();
    Ok(crate::view::form_page(
        render(&AnswerPage {
            me: Me::of(&me.0),
            outcome_label: outcome_option(o),
            outcome: outcome_key,
            outcomes: OUTCOMES
                .iter()
                .map(|o| (o.key.to_string(), outcome_option(o)))
                .collect(),
            on,
            title,
            body,
            error,
            app,
        }),
        accepted,
    ))
}

pub(super) async fn answer_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    Query(q): Query<AnswerQuery>,
) -> Result<Response, AppError> {
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    answer_editor(
        &state,
        &me,
        app,
        q.outcome,
        today().to_string(),
        None,
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AnswerForm {
    csrf: String,
    outcome: String,
    on: String,
    title: String,
    body: String,
    override_reason: String,
}

pub(super) async fn answer(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<AnswerForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let again = |msg: String| {
        answer_editor(
            &state,
            &me,
            app.clone(),
            f.outcome.clone(),
            f.on.clone(),
            Some((f.title.clone(), f.body.clone())),
            msg,
        )
    };
    let on = match parse_date(&f.on) {
        Ok(d) => d,
        Err(m) => return again(m).await,
    };
    let answer = AnswerInput {
        outcome: f.outcome.clone(),
        on,
        title: Some(f.title.clone()),
        body: Some(f.body.clone()),
        override_reason: f.override_reason.clone(),
    };
    match state
        .store
        .answer(&me.actor(), app.id, &answer, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/applications/{id}?done=1")).into_response()),
        Err(e) if e.is_client_error() => again(e.to_string()).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CaseForm {
    csrf: String,
    kind: String,
    filed_on: String,
    result: String,
    result_on: String,
    note: String,
}

fn optional_date(s: &str) -> Result<Option<NaiveDate>, String> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(s).map(Some)
    }
}

pub(super) async fn add_case(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<CaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let parsed = parse_date(&f.filed_on)
        .map_err(|m| format!("立案日期：{m}"))
        .and_then(|filed| {
            Ok((
                filed,
                optional_date(&f.result_on).map_err(|m| format!("审结日期：{m}"))?,
            ))
        });
    let (filed, result_on) = match parsed {
        Ok(x) => x,
        Err(m) => return application_view(&state, &me, app, m, String::new()).await,
    };
    let case = NewCase {
        kind: f.kind.clone(),
        filed_on: filed,
        result: f.result.clone(),
        result_on,
        note: f.note.clone(),
    };
    match state
        .store
        .add_case(&me.actor(), app.id, &case, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/applications/{id}?done=1")).into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn update_case(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(case_id): Path<i64>,
    ChForm(f): ChForm<CaseForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app_id = state
        .store
        .case_application(case_id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个案件。".into()))?;
    let app = visible(&state, &me, app_id).await?;
    let result_on = match optional_date(&f.result_on) {
        Ok(d) => d,
        Err(m) => {
            return application_view(&state, &me, app, format!("审结日期：{m}"), String::new())
                .await;
        }
    };
    match state
        .store
        .set_case_result(&me.actor(), case_id, &f.result, result_on, today())
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/console/applications/{app_id}?done=1")).into_response())
        }
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn staff_letter(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
) -> Result<(gongkai_store::applications::Letter, String), AppError> {
    let letter = state
        .store
        .letter(id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这份文书。".into()))?;
    let app = visible(state, me, letter.application_id).await?;
    Ok((letter, app.tracking_code))
}

pub(super) async fn letter(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (letter, code) = staff_letter(&state, &me, id).await?;
    Ok(render(&LetterPage::new(letter, code)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TransferForm {
    csrf: String,
    to_unit: String,
    on: String,
}

pub(super) async fn transfer(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<TransferForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let app = visible(&state, &me, id).await?;
    let on = match parse_date(&f.on) {
        Ok(d) => d,
        Err(m) => {
            return application_view(&state, &me, app, format!("转送日期：{m}"), String::new())
                .await;
        }
    };
    match state
        .store
        .transfer_application(&me.actor(), app.id, &f.to_unit, on, today())
        .await
    {
        Ok(new) => Ok(Redirect::to(&format!(
            "/console/applications/{id}?transferred={}",
            new.tracking_code
        ))
        .into_response()),
        Err(e @ StoreError::Invalid(_)) => {
            application_view(&state, &me, app, e.to_string(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn letter_file(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let (letter, code) = staff_letter(&state, &me, id).await?;
    file_response(&letter, &code, &format).await
}

/// A supporting document of an application, for staff who may see the application.
pub(super) async fn attachment_file(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (info, data) = crate::console::attachment_of(&state, id, "application").await?;
    visible(&state, &me, info.owner_id).await?;
    Ok(crate::view::download(&info, data))
}
