//! Registering an application received in person, by post, fax or e-mail: the form with the
//! Art. 29 fields and the receipt date.

use super::*;

async fn register_form(
    state: &AppState,
    me: &CurrentStaff,
    input: ApplicationInput,
    channel: String,
    received_on: String,
    errors: Errors,
) -> Result<Response, AppError> {
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| me.staff().sees_unit(u.id))
        .map(|u| (u.code, u.name))
        .collect();
    let accepted = errors.is_empty();
    let page = RegisterPage {
        me: Me::of(&me.0),
        input,
        channel,
        received_on,
        errors,
        units,
        channels: Channel::ALL
            .iter()
            .filter(|c| **c != Channel::Online)
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect(),
        applicant_types: ApplicantType::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.label().to_string()))
            .collect(),
        id_kinds: options(&ID_KINDS),
        forms: options(&FORMS),
        deliveries: options(&DELIVERIES),
        rules: [Channel::InPerson, Channel::Post, Channel::Fax]
            .iter()
            .map(|c| (c.label(), c.receipt_rule()))
            .collect(),
    };
    Ok(crate::view::form_page(render(&page), accepted))
}

pub(super) async fn register_page(
    State(state): State<AppState>,
    me: CurrentStaff,
) -> Result<Response, AppError> {
    me.may(Action::HandleApplications)?;
    let input = ApplicationInput {
        unit_code: me.staff().unit_code.clone(),
        ..Default::default()
    };
    register_form(
        &state,
        &me,
        input,
        "in_person".into(),
        today().to_string(),
        Errors::default(),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received_on: String,
    #[serde(flatten)]
    input: ApplicationInput,
}

pub(super) async fn register(
    State(state): State<AppState>,
    me: CurrentStaff,
    ChForm(f): ChForm<RegisterForm>,
) -> Result<Response, AppError> {
    me.check_csrf(&f.csrf)?;
    me.may(Action::HandleApplications)?;
    let mut errs = Vec::new();
    let channel = Channel::parse(&f.channel).filter(|c| *c != Channel::Online);
    if channel.is_none() {
        errs.push(gongkai_store::FieldError {
            field: "channel",
            message: "请选择收件渠道".into(),
        });
    }
    let received = match parse_date(&f.received_on) {
        Ok(d) => Some(d),
        Err(m) => {
            errs.push(gongkai_store::FieldError {
                field: "received_on",
                message: m,
            });
            None
        }
    };
    if let Some(u) = state.store.unit_by_code(f.input.unit_code.trim()).await?
        && !me.staff().sees_unit(u.id)
    {
        return Err(AppError::Forbidden("只能登记本单位收到的申请。".into()));
    }
    let result = match (channel, received, errs.is_empty()) {
        (Some(c), Some(r), true) => {
            state
                .store
                .submit_application(&me.actor(), c, &f.input, Some(r), None, today())
                .await
        }
        _ => {
            // Report the form's own errors together with the application's.
            let (more, _) = f.input.check(today());
            errs.extend(more);
            Err(StoreError::Invalid(errs))
        }
    };
    match result {
        Ok(s) => Ok(Redirect::to(&format!(
            "/console/applications/{}?registered={}",
            s.application.id, s.password
        ))
        .into_response()),
        Err(StoreError::Invalid(errs)) => {
            register_form(&state, &me, f.input, f.channel, f.received_on, Errors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}
