//! The portal's interaction columns: 调查征集 with the public's opinions, 在线访谈 with
//! questions sent in beforehand, and the message box (咨询建言). Everything the public sends is
//! shown only after moderation, under a masked name, never with its contact details.

use crate::AppState;
use crate::error::AppError;
use crate::limit::{Bucket, ClientIp};
use crate::posted::ChForm;
use crate::site::{site_name, today};
use crate::view::{Errors, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use gongkai_store::StoreError;
use gongkai_store::auth::random_token;
use gongkai_store::engagement::{Consultation, Contribution, ContributionInput, Interview};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/interact", get(index))
        .route("/consultations/{id}", get(consultation).post(opinion))
        .route("/interviews/{id}", get(interview).post(question))
        .route("/messages", get(messages).post(message))
}

fn missing(what: &str) -> AppError {
    AppError::NotFound(format!("没有找到{what}，请从互动交流页面重新进入。"))
}

fn id_of(s: &str, what: &str) -> Result<i64, AppError> {
    s.parse().map_err(|_| missing(what))
}

#[derive(Template)]
#[template(path = "portal/interact.html")]
struct IndexPage {
    site_name: String,
    consultations: Vec<(Consultation, &'static str)>,
    interviews: Vec<Interview>,
}

async fn index(State(state): State<AppState>) -> Result<Response, AppError> {
    let day = today();
    let mut consultations = Vec::new();
    for c in state.store.consultations(None).await? {
        if consultations.len() < 50 && state.store.announced(c.publication_id).await? {
            consultations.push(c);
        }
    }
    let mut interviews = Vec::new();
    for v in state.store.interviews(None).await? {
        if interviews.len() < 30 && state.store.announced(v.publication_id).await? {
            interviews.push(v);
        }
    }
    Ok(render(&IndexPage {
        site_name: site_name(&state).await?,
        consultations: consultations
            .into_iter()
            .map(|c| {
                let stage = c.stage(day);
                (c, stage)
            })
            .collect(),
        interviews: state
            .store
            .interviews(None)
            .await?
            .into_iter()
            .take(30)
            .collect(),
    }))
}

/// A consultation the public may see: its announcement is published.
async fn announced_consultation(state: &AppState, id: i64) -> Result<Consultation, AppError> {
    match state.store.consultation(id).await? {
        Some(c) if state.store.announced(c.publication_id).await? => Ok(c),
        _ => Err(missing("这项调查征集")),
    }
}

/// An interview the public may see: its announcement is published.
async fn announced_interview(state: &AppState, id: i64) -> Result<Interview, AppError> {
    match state.store.interview(id).await? {
        Some(v) if state.store.announced(v.publication_id).await? => Ok(v),
        _ => Err(missing("这场访谈")),
    }
}

/// The contribution form as every page shows it (`portal/contribution_form.html`): empty,
/// thanked for what was taken, or sent back with what is wrong; with a fresh one-time token.
struct Sent {
    token: String,
    input: ContributionInput,
    errors: Errors,
    thanks: bool,
}

impl Sent {
    fn empty() -> Sent {
        Sent {
            token: random_token(),
            input: ContributionInput::default(),
            errors: Errors::default(),
            thanks: false,
        }
    }

    /// Whether the page answers 200 (nothing sent back) rather than 422.
    fn accepted(&self) -> bool {
        self.errors.is_empty()
    }

    /// What [`take`] made of `input`.
    fn after(taken: Result<Contribution, Errors>, input: ContributionInput) -> Sent {
        match taken {
            Ok(_) => Sent {
                thanks: true,
                ..Sent::empty()
            },
            Err(errors) => Sent {
                input,
                errors,
                ..Sent::empty()
            },
        }
    }
}

/// A contribution the public sends, checked and rate-limited; `Err` is the page again.
async fn take(
    state: &AppState,
    client: std::net::IpAddr,
    kind: &str,
    target: i64,
    unit: i64,
    input: &ContributionInput,
) -> Result<Result<Contribution, Errors>, AppError> {
    if !state.limits.allow(Bucket::Contribute, client) {
        return Err(AppError::TooMany(
            "同一网络地址提交过于频繁，请一小时后再试。".into(),
        ));
    }
    match state
        .store
        .contribute(kind, target, unit, input, today())
        .await
    {
        Ok(c) => Ok(Ok(c)),
        Err(StoreError::Invalid(errs)) => Ok(Err(Errors(errs))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "portal/consultation.html")]
struct ConsultationPage {
    site_name: String,
    c: Consultation,
    stage: &'static str,
    open: bool,
    opinions: Vec<Contribution>,
    form: Sent,
}

async fn consultation_page(state: &AppState, id: i64, sent: Sent) -> Result<Response, AppError> {
    let c = announced_consultation(state, id).await?;
    let day = today();
    let accepted = sent.accepted();
    let page = ConsultationPage {
        site_name: site_name(state).await?,
        stage: c.stage(day),
        open: c.is_open(day),
        opinions: state
            .store
            .contributions("opinion", Some(id), None, true)
            .await?,
        form: sent,
        c,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn consultation(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_of(&id, "这项调查征集")?;
    consultation_page(&state, id, Sent::empty()).await
}

async fn opinion(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(id): Path<String>,
    ChForm(input): ChForm<ContributionInput>,
) -> Result<Response, AppError> {
    let id = id_of(&id, "这项调查征集")?;
    let c = announced_consultation(&state, id).await?;
    // The command refuses a consultation that no longer takes opinions.
    let taken = take(&state, client, "opinion", id, c.unit_id, &input).await?;
    consultation_page(&state, id, Sent::after(taken, input)).await
}

#[derive(Template)]
#[template(path = "portal/interview.html")]
struct InterviewPage {
    site_name: String,
    v: Interview,
    asking: bool,
    questions: Vec<Contribution>,
    form: Sent,
}

impl InterviewPage {
    fn video(&self) -> bool {
        !self.v.video_url.is_empty()
    }
}

async fn interview_page(state: &AppState, id: i64, sent: Sent) -> Result<Response, AppError> {
    let v = announced_interview(state, id).await?;
    let accepted = sent.accepted();
    let page = InterviewPage {
        site_name: site_name(state).await?,
        asking: today() <= v.scheduled_on,
        questions: state
            .store
            .contributions("question", Some(id), None, true)
            .await?,
        form: sent,
        v,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn interview(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id_of(&id, "这场访谈")?;
    interview_page(&state, id, Sent::empty()).await
}

async fn question(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(id): Path<String>,
    ChForm(input): ChForm<ContributionInput>,
) -> Result<Response, AppError> {
    let id = id_of(&id, "这场访谈")?;
    let v = announced_interview(&state, id).await?;
    // The command refuses questions once the interview has been held.
    let taken = take(&state, client, "question", id, v.unit_id, &input).await?;
    interview_page(&state, id, Sent::after(taken, input)).await
}

#[derive(Template)]
#[template(path = "portal/messages.html")]
struct MessagesPage {
    site_name: String,
    units: Vec<(String, String)>,
    unit_code: String,
    messages: Vec<Contribution>,
    form: Sent,
}

async fn messages_page(
    state: &AppState,
    unit_code: String,
    sent: Sent,
) -> Result<Response, AppError> {
    let accepted = sent.accepted();
    let page = MessagesPage {
        site_name: site_name(state).await?,
        units: state
            .store
            .units()
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect(),
        unit_code,
        messages: state
            .store
            .contributions("message", None, None, true)
            .await?
            .into_iter()
            .take(50)
            .collect(),
        form: sent,
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

async fn messages(State(state): State<AppState>) -> Result<Response, AppError> {
    messages_page(&state, String::new(), Sent::empty()).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct MessageForm {
    unit_code: String,
    #[serde(flatten)]
    input: ContributionInput,
}

async fn message(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ChForm(f): ChForm<MessageForm>,
) -> Result<Response, AppError> {
    let Some(unit) = state.store.unit_by_code(f.unit_code.trim()).await? else {
        let errors = Errors(vec![gongkai_store::FieldError {
            field: "unit_code",
            message: "请选择留言的单位".into(),
        }]);
        return messages_page(&state, f.unit_code, Sent::after(Err(errors), f.input)).await;
    };
    let taken = take(&state, client, "message", 0, unit.id, &f.input).await?;
    let unit_code = if taken.is_ok() {
        String::new()
    } else {
        f.unit_code
    };
    messages_page(&state, unit_code, Sent::after(taken, f.input)).await
}
