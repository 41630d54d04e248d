//! The event timeline as stored: one decoder that names the row it cannot read, the
//! applicant's month count of 按件计收, and the writes of an event with the columns kept for
//! querying.

use super::*;

/// One recorded event.
#[derive(Debug, Clone, Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub event: Event,
    pub recorded_at: DateTime<Utc>,
    pub actor: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    id: i64,
    detail: String,
    recorded_at: DateTime<Utc>,
    actor: String,
}

/// The applicant's (same ID document) applications received from $2 to $3: the count of
/// 按件计收, the same on the application's page and in the fee command.
pub(super) const MONTH_COUNT_SQL: &str = "SELECT COUNT(*) FROM applications \
    WHERE id_number = $1 AND received_on >= $2 AND received_on <= $3";

pub(super) const EVENTS_SQL: &str = "SELECT id, detail, recorded_at, actor FROM application_events \
    WHERE application_id = $1 ORDER BY id";

/// The one reading of stored events: a row that does not decode is an error naming it, never
/// dropped (a dropped event would move the due date silently).
pub(super) fn decode_events(rows: Vec<EventRow>) -> Result<Vec<EventRecord>> {
    rows.into_iter()
        .map(|r| {
            let event = serde_json::from_str(&r.detail).map_err(|e| {
                StoreError::Internal(format!("application_events 第 {} 行无法读取：{e}", r.id))
            })?;
            Ok(EventRecord {
                id: r.id,
                event,
                recorded_at: r.recorded_at,
                actor: r.actor,
            })
        })
        .collect()
}

/// An application's events, read inside a transaction.
pub(super) async fn events_tx(tx: &mut Tx, application_id: i64) -> Result<Vec<Event>> {
    let rows = on_tx!(tx, c => sqlx::query_as::<_, EventRow>(EVENTS_SQL)
        .bind(application_id).fetch_all(c).await?);
    Ok(decode_events(rows)?.into_iter().map(|r| r.event).collect())
}

/// Check an event against the statute's rules and the events before it, and record it with the
/// columns it settles and its ledger entry; returns the application's events, the new one last.
pub(super) async fn add_event_tx(
    tx: &mut Tx,
    cal: &gongkai_core::Calendar,
    actor: &Actor,
    l: &commands::Loaded,
    event: &Event,
    today: NaiveDate,
) -> Result<Vec<Event>> {
    check_next(cal, &l.facts, &l.events, event, today)
        .map_err(|r| commands::refused(r.field, r.message))?;
    let application_id = l.app.id;
    insert_event(tx, application_id, event, actor.name()).await?;
    let mut events = l.events.clone();
    events.push(event.clone());
    match event {
        Event::Answered { on, outcome } => {
            on_tx!(tx, c => sqlx::query("UPDATE applications SET outcome = $1, concluded_on = $2 WHERE id = $3")
                .bind(outcome).bind(*on).bind(application_id).execute(c).await?.rows_affected());
        }
        Event::FeePaid { amount_yuan, .. } => {
            on_tx!(tx, c => sqlx::query("UPDATE applications SET fee_yuan = $1 WHERE id = $2")
                .bind(*amount_yuan as i64).bind(application_id).execute(c).await?.rows_affected());
        }
        _ => {}
    }
    let mut detail = json!({"kind": event.kind(), "on": event.on()});
    if let Event::ReceiptCorrected { reason, .. } = event {
        detail["reason"] = json!(reason);
        detail["was"] = json!(gongkai_core::application::received_on(&l.events));
    }
    audit::append(
        tx,
        actor.name(),
        &format!("application.{}", event.kind()),
        &format!("application:{}", l.app.tracking_code),
        &serde_json::Value::Null,
        &detail,
    )
    .await?;
    Ok(events)
}

pub(super) async fn insert_event(
    tx: &mut Tx,
    application_id: i64,
    event: &Event,
    actor: &str,
) -> Result<()> {
    let detail = serde_json::to_string(event).map_err(|e| StoreError::Internal(e.to_string()))?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO application_events (application_id, kind, on_date, recorded_at, actor, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(application_id).bind(event.kind()).bind(event.on()).bind(now()).bind(actor).bind(&detail)
        .execute(c).await?.rows_affected());
    // What the annual report reads on the application itself (migration 0011).
    match event.kind() {
        "received" => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE applications SET received_on = $1 WHERE id = $2 \
                 AND (received_on IS NULL OR received_on > $1)")
                .bind(event.on()).bind(application_id).execute(c).await?.rows_affected());
        }
        "receipt_corrected" => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE applications SET received_on = $1, plain_timeline = FALSE WHERE id = $2")
                .bind(event.on()).bind(application_id).execute(c).await?.rows_affected());
        }
        "answered" | "archived" => {}
        _ => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE applications SET plain_timeline = FALSE WHERE id = $1 AND plain_timeline")
                .bind(application_id).execute(c).await?.rows_affected());
        }
    }
    Ok(())
}
