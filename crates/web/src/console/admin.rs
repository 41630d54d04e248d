//! The office's administration in the console: units (with each unit's 指南 and its versions),
//! staff accounts, the working-day calendar and the audit ledger.

use super::*;

// ---- units ----

#[derive(Deserialize)]
pub(super) struct NoticeQuery {
    saved: Option<String>,
}

pub(super) async fn units(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let all = state.store.units().await?;
    let name_of = |id: Option<i64>| {
        id.and_then(|id| all.iter().find(|u| u.id == id))
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let rows = all
        .iter()
        .filter(|u| me.staff().sees_unit(u.id))
        .map(|u| UnitRow {
            unit: u.clone(),
            parent_name: name_of(u.parent_id),
        })
        .collect();
    Ok(render(&UnitsPage {
        me: Me::of(&me.0),
        rows,
        notice: q
            .saved
            .map(|c| format!("单位“{c}”已保存。"))
            .unwrap_or_default(),
    }))
}

async fn unit_form(
    state: &AppState,
    me: &CurrentStaff,
    code: &str,
    input: UnitInput,
    errors: Errors,
    readonly: bool,
    notice: String,
) -> Result<Response, AppError> {
    let parents = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.code != code)
        .map(|u| (u.code, u.name))
        .collect();
    let accepted = errors.is_empty();
    let versions = match state.store.unit_by_code(code).await? {
        Some(u) => state.store.guide_versions(u.id).await?,
        None => Vec::new(),
    };
    let page = render(&UnitFormPage {
        me: Me::of(&me.0),
        versions,
        code: code.into(),
        input,
        errors,
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        parents,
        readonly,
        notice,
    });
    Ok(crate::view::form_page(page, accepted))
}

pub(super) async fn new_unit(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    me.may(Action::Administer)?;
    let root = state.store.root_unit().await?;
    let input = UnitInput {
        kind: if root.is_some() {
            "department"
        } else {
            "government"
        }
        .into(),
        parent_code: root.map(|r| r.code).unwrap_or_default(),
        ..Default::default()
    };
    unit_form(
        &state,
        &me,
        "",
        input,
        Errors::default(),
        false,
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct UnitForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: UnitInput,
}

pub(super) async fn create_unit(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<UnitForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    match state.store.create_unit(&me.actor(), &f.input).await {
        Ok(u) => Ok(Redirect::to(&format!("/console/units?saved={}", u.code)).into_response()),
        Err(StoreError::Invalid(errs)) => {
            unit_form(&state, &me, "", f.input, Errors(errs), false, String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn unit_page(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(code): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let unit = state
        .store
        .unit_by_code(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有代码为“{code}”的单位。")))?;
    if !me.staff().sees_unit(unit.id) {
        return Err(AppError::Forbidden("您只能查看本单位的信息。".into()));
    }
    let parent = match unit.parent_id {
        Some(id) => state.store.unit_by_id(id).await?.map(|p| p.code),
        None => None,
    };
    let input = UnitInput::from_unit(&unit, parent.as_deref());
    let readonly = !me.staff().role().is_office();
    let notice = q.saved.map(|_| "已保存。".to_string()).unwrap_or_default();
    unit_form(
        &state,
        &me,
        &code,
        input,
        Errors::default(),
        readonly,
        notice,
    )
    .await
}

pub(super) async fn update_unit(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(code): Path<String>,
    ChForm(f): ChForm<UnitForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    match state.store.update_unit(&me.actor(), &code, &f.input).await {
        Ok(u) => Ok(Redirect::to(&format!("/console/units/{}?saved=1", u.code)).into_response()),
        Err(StoreError::Invalid(errs)) => {
            unit_form(
                &state,
                &me,
                &code,
                f.input,
                Errors(errs),
                false,
                String::new(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- staff ----

#[derive(Deserialize)]
pub(super) struct StaffQuery {
    saved: Option<String>,
    changed: Option<String>,
}

pub(super) async fn staff(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<StaffQuery>,
) -> Result<Response, AppError> {
    let scope = (!me.staff().role().sees_all_units()).then_some(me.staff().unit_id);
    let notice = match (q.saved, q.changed) {
        (Some(u), _) => format!("账户“{u}”已创建。"),
        (_, Some(u)) => format!("账户“{u}”的状态已更新。"),
        _ => String::new(),
    };
    Ok(render(&StaffPage {
        me: Me::of(&me.0),
        staff: state.store.staff_list(scope).await?,
        now: Utc::now(),
        notice,
    }))
}

async fn staff_form(
    state: &AppState,
    me: &CurrentStaff,
    input: StaffInput,
    errors: Errors,
) -> Result<Response, AppError> {
    let accepted = errors.is_empty();
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let page = render(&StaffFormPage {
        me: Me::of(&me.0),
        username: input.username,
        display_name: input.display_name,
        unit_code: input.unit_code,
        role: input.role,
        errors,
        units,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
    });
    Ok(crate::view::form_page(page, accepted))
}

pub(super) async fn new_staff(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    me.may(Action::Administer)?;
    let input = StaffInput {
        role: Role::Editor.as_str().into(),
        ..Default::default()
    };
    staff_form(&state, &me, input, Errors::default()).await
}

#[derive(Deserialize)]
pub(super) struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn create_staff(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<StaffForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let input = StaffInput {
        username: f.username,
        display_name: f.display_name,
        unit_code: f.unit_code,
        role: f.role,
        password: f.password,
    };
    match state.store.create_staff(&me.actor(), &input).await {
        Ok(s) => Ok(Redirect::to(&format!("/console/staff?saved={}", s.username)).into_response()),
        Err(StoreError::Invalid(errs)) => {
            // The password is never sent back to the browser.
            let input = StaffInput {
                password: String::new(),
                ..input
            };
            staff_form(&state, &me, input, Errors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

pub(super) async fn set_active(
    State(state): State<AppState>,
    me: CurrentStaff,
    Path(username): Path<String>,
    ChForm(f): ChForm<ActiveForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::Administer)?;
    let active = match f.active.as_str() {
        "on" | "unlock" => true,
        "off" => false,
        other => return Err(AppError::BadRequest(format!("未知的操作“{other}”。"))),
    };
    if !active && username == me.staff().username {
        return Err(AppError::BadRequest("不能停用自己的账户。".into()));
    }
    state
        .store
        .set_staff_active(&me.actor(), &username, active)
        .await?;
    Ok(Redirect::to(&format!("/console/staff?changed={username}")).into_response())
}

// ---- calendar ----

#[derive(Deserialize)]
pub(super) struct CalendarQuery {
    year: Option<String>,
    imported: Option<String>,
}

async fn calendar_page(
    state: &AppState,
    me: &CurrentStaff,
    year: Option<i32>,
    error: String,
    notice: String,
) -> Result<Response, AppError> {
    let cal = state.store.calendar().await?;
    let years = cal
        .covered_years()
        .iter()
        .map(|&y| {
            let of_year: Vec<_> = cal.entries().iter().filter(|(_, c)| *c == y).collect();
            let mut notices: Vec<&str> = of_year.iter().map(|(e, _)| e.notice.as_str()).collect();
            notices.dedup();
            YearRow {
                year: y,
                off: of_year
                    .iter()
                    .filter(|(e, _)| e.kind == DayKind::Off)
                    .count(),
                work: of_year
                    .iter()
                    .filter(|(e, _)| e.kind == DayKind::Work)
                    .count(),
                notices: notices.join(" "),
            }
        })
        .collect();
    let selected = year.unwrap_or_else(|| crate::site::today().year());
    const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let days = cal
        .entries()
        .iter()
        .filter(|(_, c)| *c == selected)
        .map(|(e, _)| DayRow {
            date: e.date.to_string(),
            weekday: WEEKDAYS[e.date.weekday().num_days_from_monday() as usize],
            name: e.name.clone(),
            kind_label: e.kind.label(),
        })
        .collect();
    let accepted = error.is_empty();
    Ok(crate::view::form_page(
        render(&CalendarPage {
            me: Me::of(&me.0),
            years,
            selected,
            days,
            error,
            notice,
        }),
        accepted,
    ))
}

pub(super) async fn calendar(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, AppError> {
    let year = match q.year.as_deref() {
        None | Some("") => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1949..=9999).contains(y))
                .ok_or_else(|| AppError::BadRequest(format!("年份“{y}”无效。")))?,
        ),
    };
    let notice = q
        .imported
        .map(|y| format!("已导入并替换以下年度的节假日安排：{y}。"))
        .unwrap_or_default();
    calendar_page(&state, &me, year, String::new(), notice).await
}

pub(super) async fn import_calendar(
    State(state): State<AppState>,
    me: CurrentStaff,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    let bad_upload = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("上传内容无法读取，请重新选择文件。（{e}）"))
    };
    while let Some(field) = multipart.next_field().await.map_err(bad_upload)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(bad_upload)?,
            Some("file") => file = Some(field.bytes().await.map_err(bad_upload)?.to_vec()),
            _ => {}
        }
    }
    me.check_csrf(&csrf)?;
    me.may(Action::Administer)?;
    let fail = |msg: String| calendar_page(&state, &me, None, msg, String::new());
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return fail("请选择要导入的 CSV 文件。".into()).await;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return fail("文件不是 UTF-8 编码的文本。请用 UTF-8 保存 CSV 后再导入。".into()).await;
    };
    let entries = match parse_csv(&text) {
        Ok(e) => e,
        Err(e) => return fail(format!("未导入，日历保持不变。{e}")).await,
    };
    let replaced = state.store.import_calendar(&me.actor(), entries).await?;
    let years: Vec<String> = replaced.iter().map(|y| y.to_string()).collect();
    Ok(Redirect::to(&format!("/console/calendar?imported={}", years.join(","))).into_response())
}

// ---- audit ----

#[derive(Deserialize)]
pub(super) struct AuditQuery {
    page: Option<String>,
    verify: Option<String>,
}

pub(super) async fn audit(
    State(state): State<AppState>,
    me: CurrentStaff,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    if !me.staff().role().reads_audit() {
        return Err(AppError::Forbidden(
            "审计日志仅限政务公开办管理员和审计人员查看。".into(),
        ));
    }
    const PER_PAGE: i64 = 50;
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    let mut entries = state
        .store
        .audit_list(None, PER_PAGE + 1, (page - 1) * PER_PAGE)
        .await?;
    let has_next = entries.len() as i64 > PER_PAGE;
    entries.truncate(PER_PAGE as usize);
    let (verification, verified_ok) = if q.verify.is_some() {
        let v = state.store.audit_verify().await?;
        match v.first_bad {
            None => (
                format!("哈希链完整：共 {} 条记录，末条哈希 {}。", v.entries, v.head),
                true,
            ),
            Some((seq, t)) => (
                format!(
                    "哈希链被破坏：{}。此前 {} 条记录完好。",
                    gongkai_store::audit::describe_tamper(seq, &t),
                    v.entries
                ),
                false,
            ),
        }
    } else {
        (String::new(), false)
    };
    Ok(render(&AuditPage {
        me: Me::of(&me.0),
        entries,
        page,
        has_next,
        verification,
        verified_ok,
    }))
}
