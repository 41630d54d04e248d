//! What the public sends: opinions on a consultation, questions for an interview, messages to
//! a unit; and their moderation and replies.

use super::*;

impl Store {
    /// Take a contribution of the public (kept pending until moderated). A repeated token
    /// returns the first contribution.
    pub async fn contribute(
        &self,
        kind: &str,
        target_id: i64,
        unit_id: i64,
        input: &ContributionInput,
        today: NaiveDate,
    ) -> Result<Contribution> {
        let token = input.token.trim();
        if !token.is_empty()
            && let Some(c) = self.contribution_by_token(token).await?
        {
            return Ok(c);
        }
        let errs = check_contribution(kind, input);
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        // What it is sent to must exist, belong to the unit, and still be taking contributions.
        let unit_id = match kind {
            "opinion" => {
                let c = self
                    .consultation(target_id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound("没有这项调查征集".into()))?;
                if !c.is_open(today) {
                    return Err(StoreError::Refused(format!(
                        "本次征集{}，不再接收意见。",
                        c.stage(today)
                    )));
                }
                c.unit_id
            }
            "question" => {
                let v = self
                    .interview(target_id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound("没有这场访谈".into()))?;
                if today > v.scheduled_on {
                    return Err(StoreError::Refused("访谈已经举行，不再征集问题。".into()));
                }
                v.unit_id
            }
            _ => {
                self.unit_by_id(unit_id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound("没有这个单位".into()))?;
                unit_id
            }
        };
        let mut tx = self.begin_write().await?;
        let c: Option<Contribution> = on_tx!(&mut tx, c => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO contributions (kind, target_id, unit_id, subject, content, name, contact, status, received_on, token, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10) ON CONFLICT DO NOTHING RETURNING {CONTRIBUTION_COLUMNS}")))
            .bind(kind).bind(target_id).bind(unit_id).bind(input.subject.trim()).bind(input.content.trim())
            .bind(input.name.trim()).bind(input.contact.trim()).bind(today)
            .bind((!token.is_empty()).then_some(token)).bind(now())
            .fetch_optional(c).await?);
        tx.commit().await?;
        match c {
            Some(c) => Ok(c),
            None => self
                .contribution_by_token(token)
                .await?
                .ok_or_else(|| StoreError::Internal("contribution not stored".into())),
        }
    }

    async fn contribution_by_token(&self, token: &str) -> Result<Option<Contribution>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRIBUTION_COLUMNS} FROM contributions WHERE token = $1")))
            .bind(token).fetch_optional(p).await?),
        )
    }

    /// Contributions to one target, all (`approved_only` false) or as the public sees them.
    pub async fn contributions(
        &self,
        kind: &str,
        target_id: Option<i64>,
        unit_id: Option<i64>,
        approved_only: bool,
    ) -> Result<Vec<Contribution>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRIBUTION_COLUMNS} FROM contributions WHERE kind = $1 \
             AND ($2 IS NULL OR target_id = $2) AND ($3 IS NULL OR unit_id = $3) \
             AND ($4 = 0 OR status = 'approved') ORDER BY received_on DESC, id DESC")))
            .bind(kind).bind(target_id).bind(unit_id).bind(i64::from(approved_only))
            .fetch_all(p).await?),
        )
    }

    pub async fn contribution(&self, id: i64) -> Result<Option<Contribution>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Contribution>(sqlx::AssertSqlSafe(format!(
            "SELECT {CONTRIBUTION_COLUMNS} FROM contributions WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    /// Moderate a contribution (approve to show it, reject to keep it off the pages) and
    /// optionally reply to it.
    pub async fn moderate(
        &self,
        actor: &crate::actor::Actor,
        id: i64,
        approve: bool,
        reply: &str,
        today: NaiveDate,
    ) -> Result<Contribution> {
        let before = self
            .contribution(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这条内容".into()))?;
        actor.may(Action::Engage, Some(before.unit_id))?;
        check_text("答复", reply, false, 5000).map_err(|m| StoreError::invalid("reply", m))?;
        let actor = actor.name();
        let reply = reply.trim();
        let replied_on = if reply.is_empty() {
            before.replied_on
        } else {
            Some(today)
        };
        let status = if approve { "approved" } else { "rejected" };
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE contributions SET status = $1, reply = CASE WHEN $2 = '' THEN reply ELSE $2 END, replied_on = $3 WHERE id = $4")
            .bind(status).bind(reply).bind(replied_on).bind(id).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "contribution.moderate",
            &format!("contribution:{id}"),
            &json!({"status": before.status}),
            &json!({"status": status, "replied": !reply.is_empty()}),
        )
        .await?;
        tx.commit().await?;
        self.contribution(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这条内容".into()))
    }
}
