//! Supervision in the console: the new-media registry, inspections and their findings, 通报 and
//! 整改, training, assessment and the service figures (the office's work; units answer 整改).

use super::*;

/// A rectification task with its unit's name and whether this person may report on it.
type TaskRow = (Rectification, String, bool);

/// An account with its unit, last post and whether it has been silent for two weeks.
struct AccountRow {
    account: MediaAccount,
    unit: String,
    last_post: String,
    silent: bool,
}

#[derive(Template)]
#[template(path = "console/supervision.html")]
struct SupervisionPage {
    me: Me,
    is_office: bool,
    accounts: Vec<AccountRow>,
    runs: Vec<InspectionRun>,
    notices: Vec<(Notice, Vec<TaskRow>)>,
    trainings: Vec<Training>,
    units: Options,
    platforms: Vec<&'static str>,
    filings: Options,
    today: String,
    year: i32,
    /// Last year's assessment: unit, score, disclosure component.
    assessments: Vec<(String, i64, i64)>,
    last_year: String,
    this_year: String,
    levels: Options,
    service_kinds: Options,
    /// The form sent back with its mistakes, if one was.
    sent: Sent,
}

/// The mistakes of every form that was not the one sent back.
static NO_ERRORS: Errors = Errors(Vec::new());

/// A form of the page as it was sent, with what is wrong in it.
#[derive(Default)]
struct Sent {
    /// The form's `action` field.
    action: String,
    fields: Vec<(String, String)>,
    errors: Errors,
}

impl SupervisionPage {
    /// What the form `action` holds in field `name`: as sent, when it is the form sent back;
    /// otherwise `default`.
    fn value<'a>(&'a self, action: &str, name: &str, default: &'a str) -> &'a str {
        if self.sent.action != action {
            return default;
        }
        self.sent
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn error(&self, action: &str, name: &str) -> &str {
        self.errors_of(action).get(name)
    }

    fn errors_of(&self, action: &str) -> &Errors {
        if self.sent.action == action {
            &self.sent.errors
        } else {
            &NO_ERRORS
        }
    }
}

const TRAINING_LEVELS: [(&str, &str); 3] =
    [("district", "区级"), ("city", "市级"), ("province", "省级")];
const SERVICE_KINDS: [(&str, &str); 4] = [
    ("services", "依申请政务服务事项"),
    ("one_visit", "其中“最多跑一次”"),
    ("public_services", "依申请及公共服务事项"),
    ("online", "其中可网上办理"),
];

pub(super) async fn supervision(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    supervision_page(&state, &me, Sent::default()).await
}

/// The supervision page; with a form sent back, 422 and its mistakes beside its fields.
async fn supervision_page(
    state: &AppState,
    me: &CurrentStaff,
    sent: Sent,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let names = unit_names(state).await?;
    let name = |u: &i64| names.get(u).cloned().unwrap_or_default();
    let day = today();
    let last = state.store.last_posts().await?;
    let accounts = state
        .store
        .media_accounts()
        .await?
        .into_iter()
        .filter(|a| me.staff().sees_unit(a.unit_id))
        .map(|a| {
            let l = last.get(&a.id).copied();
            AccountRow {
                unit: name(&a.unit_id),
                last_post: l.map_or("无记录".into(), |d| d.to_string()),
                silent: a.status == "active" && l.is_none_or(|d| (day - d).num_days() > 14),
                account: a,
            }
        })
        .collect();
    let mut notices = Vec::new();
    for n in state.store.notices().await? {
        let tasks = state
            .store
            .rectifications(Some(n.id), None)
            .await?
            .into_iter()
            .filter(|r| me.staff().sees_unit(r.unit_id))
            .map(|r| {
                let u = name(&r.unit_id);
                let m = me.reaches(Action::Engage, r.unit_id);
                (r, u, m)
            })
            .collect::<Vec<_>>();
        if !tasks.is_empty() || me.staff().role() == Role::OfficeAdmin {
            notices.push((n, tasks));
        }
    }
    let accepted = sent.errors.is_empty();
    let pairs = |list: &[(&str, &str)]| -> Options {
        list.iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect()
    };
    let page = render(&SupervisionPage {
        me: Me::of(&me.0),
        is_office: me.staff().role() == Role::OfficeAdmin,
        accounts,
        runs: state.store.inspection_runs().await?,
        notices,
        trainings: state.store.trainings(None).await?,
        units: state
            .store
            .units()
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect(),
        platforms: PLATFORMS.to_vec(),
        filings: FILING_KINDS
            .iter()
            .filter(|(k, _)| *k != "open")
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
        today: day.to_string(),
        year: day.year(),
        assessments: state
            .store
            .assessments(day.year() - 1)
            .await?
            .into_iter()
            .filter(|(u, _, _)| me.staff().sees_unit(*u))
            .map(|(u, s, d)| (name(&u), s, d))
            .collect(),
        last_year: (day.year() - 1).to_string(),
        this_year: day.year().to_string(),
        levels: pairs(&TRAINING_LEVELS),
        service_kinds: pairs(&SERVICE_KINDS),
        sent,
    });
    Ok(crate::view::form_page(page, accepted))
}

pub(super) async fn supervision_action(
    State(state): State<AppState>,
    me: CurrentStaff,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    me.may(Action::Administer)?;
    match apply_supervision(&state, &me, &posted).await {
        Err(AppError::Store(StoreError::Invalid(errs))) => {
            let sent = Sent {
                action: posted.get("action").to_string(),
                errors: Errors(errs),
                fields: posted.fields,
            };
            supervision_page(&state, &me, sent).await
        }
        done => done,
    }
}

/// Carry out one of the supervision page's forms.
async fn apply_supervision(
    state: &AppState,
    me: &CurrentStaff,
    posted: &Posted,
) -> Result<Response, AppError> {
    let who = me.actor();
    let int = |k: &'static str, label: &str| {
        posted
            .get(k)
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::Store(StoreError::invalid(k, format!("{label}应为整数"))))
    };
    match posted.get("action") {
        "open_account" => {
            let unit = unit_of(state, me, posted.get("unit")).await?;
            state
                .store
                .open_media_account(
                    &who,
                    unit.id,
                    posted.get("platform"),
                    posted.get("name"),
                    posted.get("purpose"),
                    parse_day("on", posted.get("on"), "开设日期")?,
                )
                .await?;
        }
        "file" => {
            state
                .store
                .file_media(
                    &who,
                    int("account_id", "账号")?,
                    posted.get("kind"),
                    parse_day("on", posted.get("on"), "备案日期")?,
                    posted.get("note"),
                )
                .await?;
        }
        "posts" => {
            let last = posted.get("last_post_on");
            let last = if last.trim().is_empty() {
                None
            } else {
                Some(parse_day("last_post_on", last, "最近发布日期")?)
            };
            state
                .store
                .record_posts(
                    &who,
                    int("account_id", "账号")?,
                    posted.get("month").trim(),
                    int("posts", "发布数量")?,
                    last,
                )
                .await?;
        }
        "inspect" => {
            let run = state
                .store
                .run_inspection(&who, parse_day("as_of", posted.get("as_of"), "检查日期")?)
                .await?;
            return Ok(Redirect::to(&format!("/console/inspections/{}", run.id)).into_response());
        }
        "training" => {
            state
                .store
                .add_training(
                    &who,
                    parse_day("held_on", posted.get("held_on"), "培训日期")?,
                    posted.get("level"),
                    posted.get("topic"),
                    int("attendance", "参训人次")?,
                )
                .await?;
        }
        "assessment" => {
            let unit = unit_of(state, me, posted.get("unit")).await?;
            state
                .store
                .set_assessment(
                    &who,
                    unit.id,
                    int("year", "年度")? as i32,
                    int("score", "总分")?,
                    int("disclosure_score", "政务公开分项")?,
                )
                .await?;
        }
        "services" => {
            state
                .store
                .set_service_count(
                    &who,
                    int("year", "年度")? as i32,
                    posted.get("kind"),
                    int("amount", "数量")?,
                    posted.get("source"),
                )
                .await?;
        }
        _ => return Err(AppError::BadRequest("未知的操作。".into())),
    }
    Ok(Redirect::to("/console/supervision").into_response())
}

#[derive(Template)]
#[template(path = "console/inspection.html")]
struct InspectionPage {
    me: Me,
    run: InspectionRun,
    groups: Vec<(String, Vec<StoredFinding>, Vec<String>)>,
    is_office: bool,
    /// The notice form: title, deadline and chosen findings (as sent back, or the defaults),
    /// and what is wrong with it.
    title: String,
    deadline: String,
    chosen: Vec<i64>,
    errors: Errors,
}

/// The notice form as sent: title, deadline, chosen findings.
type NoticeForm = (String, String, Vec<i64>);

pub(super) async fn inspection(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    inspection_page(&state, &me, id, None, Errors::default()).await
}

async fn inspection_page(
    state: &AppState,
    me: &CurrentStaff,
    id: i64,
    sent: Option<NoticeForm>,
    errors: Errors,
) -> Result<Response, AppError> {
    me.may(Action::ReadUnitWork)?;
    let run = state
        .store
        .inspection_runs()
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound("没有这次巡查。".into()))?;
    let names = unit_names(state).await?;
    let mut by_unit: BTreeMap<Option<i64>, Vec<StoredFinding>> = BTreeMap::new();
    for f in state.store.inspection_findings(id).await? {
        if f.unit_id.is_none_or(|u| me.staff().sees_unit(u)) {
            by_unit.entry(f.unit_id).or_default().push(f);
        }
    }
    let groups = by_unit
        .into_iter()
        .map(|(unit, fs)| {
            let as_core: Vec<Finding> = fs
                .iter()
                .filter_map(|f| {
                    Some(Finding {
                        rule: Rule::parse(&f.rule)?,
                        unit_id: f.unit_id,
                        subject: f.subject.clone(),
                        detail: f.detail.clone(),
                    })
                })
                .collect();
            let label = unit.map_or("门户网站整体".to_string(), |u| {
                names.get(&u).cloned().unwrap_or_default()
            });
            (label, fs, vetoes(&as_core))
        })
        .collect();
    let (title, deadline, chosen) = sent.unwrap_or_else(|| {
        (
            "关于政府网站和政务新媒体检查情况的通报".to_string(),
            (today() + chrono::Days::new(15)).to_string(),
            Vec::new(),
        )
    });
    let accepted = errors.is_empty();
    let page = render(&InspectionPage {
        me: Me::of(&me.0),
        is_office: me.staff().role() == Role::OfficeAdmin,
        run,
        groups,
        title,
        deadline,
        chosen,
        errors,
    });
    Ok(crate::view::form_page(page, accepted))
}

pub(super) async fn issue_notice(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
    me.check_csrf(posted.get("csrf"))?;
    me.may(Action::Administer)?;
    let ids: Vec<i64> = posted
        .all("finding")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let issued = match date_field("deadline", posted.get("deadline"), "整改期限") {
        Ok(deadline) => state
            .store
            .issue_notice(
                &me.actor(),
                posted.get("title"),
                id,
                &ids,
                today(),
                deadline,
            )
            .await
            .map(|_| ()),
        Err(e) => Err(StoreError::Invalid(vec![e])),
    };
    match issued {
        Ok(()) => Ok(Redirect::to("/console/supervision").into_response()),
        Err(e) => {
            let errors = sent_back(e, "title")?;
            let sent = (
                posted.get("title").to_string(),
                posted.get("deadline").to_string(),
                ids,
            );
            inspection_page(&state, &me, id, Some(sent), errors).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RectificationForm {
    csrf: String,
    action: String,
    evidence: String,
}

pub(super) async fn rectification(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(id): Path<i64>,
    ChForm(f): ChForm<RectificationForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    let r = state
        .store
        .rectifications(None, None)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound("没有这项整改。".into()))?;
    match f.action.as_str() {
        "submit" => {
            if !me.reaches(Action::Engage, r.unit_id) {
                return Err(AppError::Forbidden("您只能为本单位提交整改情况。".into()));
            }
            if let Err(e) = state
                .store
                .submit_rectification(&me.actor(), id, r.unit_id, &f.evidence)
                .await
            {
                // Back on the supervision page, beside this task's field.
                let sent = Sent {
                    action: format!("rectification-{id}"),
                    errors: sent_back(e, "evidence")?,
                    fields: vec![("evidence".into(), f.evidence)],
                };
                return supervision_page(&state, &me, sent).await;
            }
        }
        "close" => {
            me.may(Action::Administer)?;
            state
                .store
                .close_rectification(&me.actor(), id, today())
                .await?;
        }
        _ => return Err(AppError::BadRequest("未知的操作。".into())),
    }
    Ok(Redirect::to("/console/supervision").into_response())
}
