//! Consultations, interviews and the message box in the console: creating them with their
//! announcement, moderating what the public sends, publishing feedback and transcripts.

use super::*;

#[derive(Template)]
#[template(path = "console/engagement.html")]
struct EngagementPage {
    me: Me,
    units: Options,
    consultations: Vec<(Consultation, &'static str, String)>,
    interviews: Vec<(Interview, String)>,
    pending: usize,
    today: String,
    forms: Forms,
}

/// What the two forms of the page hold: empty, or as sent back with what is wrong beside each
/// field.
#[derive(Default)]
struct Forms {
    /// The unit chosen in the form that was sent.
    unit: String,
    consultation: ConsultationInput,
    consultation_errors: Errors,
    interview: InterviewInput,
    interview_errors: Errors,
}

pub(super) async fn engagement(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    engagement_page(&state, &me, Forms::default()).await
}

/// The engagement page; with a form sent back, 422 so that the browser and tests see it failed.
async fn engagement_page(
    state: &AppState,
    me: &CurrentStaff,
    forms: Forms,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let names = unit_names(state).await?;
    let sees = |u: i64| me.staff().sees_unit(u);
    let day = today();
    let name = |u: &i64| names.get(u).cloned().unwrap_or_default();
    let pending = ["opinion", "question", "message"];
    let mut waiting = 0;
    for k in pending {
        waiting += state
            .store
            .contributions(k, None, None, false)
            .await?
            .iter()
            .filter(|c| c.status == "pending" && sees(c.unit_id))
            .count();
    }
    let accepted = forms.consultation_errors.is_empty() && forms.interview_errors.is_empty();
    let page = EngagementPage {
        me: Me::of(&me.0),
        units: state
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| me.reaches(Action::Engage, u.id))
            .map(|u| (u.code, u.name))
            .collect(),
        consultations: state
            .store
            .consultations(None)
            .await?
            .into_iter()
            .filter(|c| sees(c.unit_id))
            .map(|c| {
                let stage = c.stage(day);
                let n = name(&c.unit_id);
                (c, stage, n)
            })
            .collect(),
        interviews: state
            .store
            .interviews(None)
            .await?
            .into_iter()
            .filter(|v| sees(v.unit_id))
            .map(|v| {
                let n = name(&v.unit_id);
                (v, n)
            })
            .collect(),
        pending: waiting,
        today: day.to_string(),
        forms,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

/// Draft the announcement of a consultation or interview in the unit's column for them; it goes
/// through the review workflow like any publication, and the public sees the item once it is
/// published. Returns the publication's id.
async fn announce(
    state: &AppState,
    me: &CurrentStaff,
    unit: &Unit,
    column: &str,
    title: &str,
    summary: &str,
    body: &str,
) -> Result<i64, AppError> {
    let column_id = state
        .store
        .announcement_column(&me.actor(), unit.id, column)
        .await?;
    let input = gongkai_store::publishing::PublicationInput {
        title: title.to_string(),
        summary: summary.chars().take(1000).collect(),
        formed_on: today().to_string(),
        genre: "announcement".into(),
        body: body.to_string(),
        column_ids: vec![column_id],
        ..Default::default()
    };
    Ok(state
        .store
        .create_publication(me.staff(), unit.id, &input, today())
        .await?
        .id)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ConsultationForm {
    csrf: String,
    unit: String,
    #[serde(flatten)]
    input: ConsultationInput,
}

pub(super) async fn create_consultation(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<ConsultationForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let unit = unit_of(&state, &me, &f.unit).await?;
    let (opens, closes) = match gongkai_store::Store::check_consultation(&f.input) {
        Ok(days) => days,
        Err(StoreError::Invalid(errs)) => {
            let forms = Forms {
                unit: f.unit,
                consultation: f.input,
                consultation_errors: Errors(errs),
                ..Forms::default()
            };
            return engagement_page(&state, &me, forms).await;
        }
        Err(e) => return Err(e.into()),
    };
    let body = format!(
        "{}<p>征集时间：{opens} 至 {closes}。</p><h2>起草说明</h2><p>{}</p>",
        f.input.draft,
        crate::view::escape(f.input.explanation.trim())
    );
    let announcement = announce(
        &state,
        &me,
        &unit,
        "调查征集",
        &f.input.title,
        &f.input.explanation,
        &body,
    )
    .await?;
    let c = state
        .store
        .create_consultation(&me.actor(), unit.id, &f.input, Some(announcement))
        .await?;
    Ok(Redirect::to(&format!("/console/consultations/{}", c.id)).into_response())
}

#[derive(Template)]
#[template(path = "console/consultation.html")]
struct ConsultationPage {
    me: Me,
    announcement: Option<gongkai_store::publishing::Publication>,
    c: Consultation,
    stage: &'static str,
    opinions: Vec<Contribution>,
    can_manage: bool,
    /// The feedback as sent back, and what is wrong with it.
    feedback: String,
    errors: Errors,
    reply_back: ReplyBack,
}

pub(super) async fn consultation(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    consultation_page(
        &state,
        &me,
        id,
        String::new(),
        Errors::default(),
        ReplyBack::default(),
    )
    .await
}

async fn consultation_page(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    feedback: String,
    errors: Errors,
    reply_back: ReplyBack,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let c = state
        .store
        .consultation(id)
        .await?
        .filter(|c| me.staff().sees_unit(c.unit_id))
        .ok_or_else(|| AppError::NotFound("没有这项调查征集。".into()))?;
    let announcement = match c.publication_id {
        Some(id) => state.store.publication(id).await?,
        None => None,
    };
    let accepted = errors.is_empty() && reply_back.0.is_none();
    let page = render(&ConsultationPage {
        me: Me::of(&me.0),
        announcement,
        stage: c.stage(today()),
        opinions: state
            .store
            .contributions("opinion", Some(id), None, false)
            .await?,
        can_manage: me.reaches(Action::Engage, c.unit_id),
        c,
        feedback,
        errors,
        reply_back,
    });
    Ok(crate::view::form_page(page, accepted))
}

/// A form's store failure as messages beside its fields: what was invalid, or why it was
/// refused (under `field`); any other failure stays an error page.
pub(super) fn sent_back(e: StoreError, field: &'static str) -> Result<Errors, AppError> {
    match e {
        StoreError::Invalid(errs) => Ok(Errors(errs)),
        StoreError::Refused(message) => Ok(Errors(vec![FieldError { field, message }])),
        e => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FeedbackForm {
    csrf: String,
    feedback: String,
}

pub(super) async fn feedback(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<FeedbackForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    match state
        .store
        .publish_feedback(&me.actor(), id, &f.feedback, today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/console/consultations/{id}")).into_response()),
        Err(e @ StoreError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            let errors = sent_back(e, "feedback")?;
            consultation_page(&state, &me, id, f.feedback, errors, ReplyBack::default()).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct InterviewForm {
    csrf: String,
    unit: String,
    #[serde(flatten)]
    input: InterviewInput,
}

pub(super) async fn create_interview(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<InterviewForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let unit = unit_of(&state, &me, &f.unit).await?;
    let mut errs = Vec::new();
    if f.input.title.trim().is_empty() {
        errs.push(FieldError {
            field: "title",
            message: "请填写访谈主题".into(),
        });
    }
    let day = match date_field("scheduled_on", &f.input.scheduled_on, "访谈日期") {
        Ok(d) => Some(d),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let (Some(day), true) = (day, errs.is_empty()) else {
        let forms = Forms {
            unit: f.unit,
            interview: f.input,
            interview_errors: Errors(errs),
            ..Forms::default()
        };
        return engagement_page(&state, &me, forms).await;
    };
    let body = format!(
        "<p>访谈日期：{day}</p><p>嘉宾：{}</p><p>{}</p><p>欢迎网友在访谈前提问。</p>",
        crate::view::escape(f.input.guests.trim()),
        crate::view::escape(f.input.summary.trim())
    );
    let announcement = announce(
        &state,
        &me,
        &unit,
        "在线访谈",
        &f.input.title,
        &f.input.summary,
        &body,
    )
    .await?;
    let v = state
        .store
        .create_interview(&me.actor(), unit.id, &f.input, Some(announcement))
        .await?;
    Ok(Redirect::to(&format!("/console/interviews/{}", v.id)).into_response())
}

#[derive(Template)]
#[template(path = "console/interview.html")]
struct InterviewPage {
    me: Me,
    announcement: Option<gongkai_store::publishing::Publication>,
    v: Interview,
    questions: Vec<Contribution>,
    can_manage: bool,
    /// The record as sent back (transcript, video address), and what is wrong with it.
    sent: Option<(String, String)>,
    errors: Errors,
    reply_back: ReplyBack,
}

pub(super) async fn interview(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    interview_page(
        &state,
        &me,
        id,
        None,
        Errors::default(),
        ReplyBack::default(),
    )
    .await
}

async fn interview_page(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    sent: Option<(String, String)>,
    errors: Errors,
    reply_back: ReplyBack,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let v = state
        .store
        .interview(id)
        .await?
        .filter(|v| me.staff().sees_unit(v.unit_id))
        .ok_or_else(|| AppError::NotFound("没有这场访谈。".into()))?;
    let announcement = match v.publication_id {
        Some(id) => state.store.publication(id).await?,
        None => None,
    };
    let accepted = errors.is_empty() && reply_back.0.is_none();
    let page = render(&InterviewPage {
        me: Me::of(&me.0),
        announcement,
        questions: state
            .store
            .contributions("question", Some(id), None, false)
            .await?,
        can_manage: me.reaches(Action::Engage, v.unit_id),
        v,
        sent,
        errors,
        reply_back,
    });
    Ok(crate::view::form_page(page, accepted))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RecordForm {
    csrf: String,
    transcript: String,
    video_url: String,
}

pub(super) async fn record_interview(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<RecordForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    match state
        .store
        .record_interview(&me.actor(), id, &f.transcript, &f.video_url)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/console/interviews/{id}")).into_response()),
        Err(e @ StoreError::Forbidden(_)) => Err(e.into()),
        Err(e) => {
            let errors = sent_back(e, "transcript")?;
            interview_page(
                &state,
                &me,
                id,
                Some((f.transcript, f.video_url)),
                errors,
                ReplyBack::default(),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ModerateForm {
    csrf: String,
    decision: String,
    reply: String,
}

/// Where a contribution is handled in the console.
fn page_of(c: &Contribution) -> String {
    match c.kind.as_str() {
        "opinion" => format!("/console/consultations/{}", c.target_id),
        "question" => format!("/console/interviews/{}", c.target_id),
        _ => "/console/messages".into(),
    }
}

pub(super) async fn moderate(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<ModerateForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let c = state
        .store
        .contribution(id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这条内容。".into()))?;
    let approve = f.decision == "approve";
    let e = match state
        .store
        .moderate(&me.actor(), id, approve, &f.reply, today())
        .await
    {
        Ok(_) => return Ok(Redirect::to(&page_of(&c)).into_response()),
        Err(e @ StoreError::Forbidden(_)) => return Err(e.into()),
        Err(e) => e,
    };
    // Back on the page it was typed on, the reply kept and the message beside it.
    let message = sent_back(e, "reply")?
        .0
        .into_iter()
        .map(|e| e.message)
        .collect::<Vec<_>>()
        .join("；");
    let back = ReplyBack(Some((id, f.reply, message)));
    let none = Errors::default;
    match c.kind.as_str() {
        "opinion" => consultation_page(&state, &me, c.target_id, String::new(), none(), back).await,
        "question" => interview_page(&state, &me, c.target_id, None, none(), back).await,
        _ => messages_page(&state, &me, back).await,
    }
}

/// A moderation reply sent back to the page it was typed on: the item, the reply as typed
/// and what is wrong with it.
#[derive(Default)]
struct ReplyBack(Option<(i64, String, String)>);

impl ReplyBack {
    /// The reply an item's form shows: as typed when it came back, else as stored.
    fn value<'a>(&'a self, x: &'a Contribution) -> &'a str {
        match &self.0 {
            Some((id, typed, _)) if *id == x.id => typed,
            _ => &x.reply,
        }
    }

    /// What is wrong with an item's reply ("" for nothing).
    fn error(&self, x: &Contribution) -> &str {
        match &self.0 {
            Some((id, _, message)) if *id == x.id => message,
            _ => "",
        }
    }

    /// The item whose reply came back, and the message (for the summary atop the page).
    fn sent(&self) -> Option<(i64, &str)> {
        self.0.as_ref().map(|(id, _, m)| (*id, m.as_str()))
    }
}

#[derive(Template)]
#[template(path = "console/messages.html")]
struct MessagesPage {
    me: Me,
    rows: Vec<(Contribution, String, bool)>,
    reply_back: ReplyBack,
}

pub(super) async fn messages(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    messages_page(&state, &me, ReplyBack::default()).await
}

async fn messages_page(
    state: &AppState,
    me: &CurrentStaff,
    reply_back: ReplyBack,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let names = unit_names(state).await?;
    let rows = state
        .store
        .contributions("message", None, None, false)
        .await?
        .into_iter()
        .filter(|c| me.staff().sees_unit(c.unit_id))
        .map(|c| {
            let n = names.get(&c.unit_id).cloned().unwrap_or_default();
            let m = me.reaches(Action::Engage, c.unit_id);
            (c, n, m)
        })
        .collect();
    let accepted = reply_back.0.is_none();
    let page = render(&MessagesPage {
        me: Me::of(&me.0),
        rows,
        reply_back,
    });
    Ok(crate::view::form_page(page, accepted))
}
