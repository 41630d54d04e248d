//! Inspections of the district's sites and accounts (a snapshot of columns, links, messages
//! and accounts judged by `gongkai_core::supervision`), the 通报 they lead to, and each unit's
//! 整改 until the office closes it.

use super::*;

impl Store {
    /// Gather what the inspection looks at, as of `as_of`.
    pub async fn inspection_snapshot(&self, as_of: NaiveDate) -> Result<Snapshot> {
        let (home,): (Option<NaiveDate>,) = on_pool!(self, p => sqlx::query_as(
            "SELECT MAX(published_on) FROM publications WHERE status = 'published' AND published_on <= $1")
            .bind(as_of).fetch_one(p).await?);
        type ColRow = (
            i64,
            i64,
            String,
            String,
            Option<i64>,
            i64,
            Option<NaiveDate>,
            i64,
        );
        let cols: Vec<ColRow> = on_pool!(self, p => sqlx::query_as(
            "SELECT c.id, c.unit_id, c.name, c.update_rule, c.parent_id, \
                    COUNT(p.id), MAX(p.published_on), \
                    (SELECT COUNT(*) FROM basic_catalog_entries e WHERE e.column_id = c.id) \
             FROM columns c LEFT JOIN publication_columns pc ON pc.column_id = c.id \
             LEFT JOIN publications p ON p.id = pc.publication_id AND p.status = 'published' AND p.published_on <= $1 \
             WHERE c.retired_on IS NULL AND c.created_at < $2 \
             GROUP BY c.id, c.unit_id, c.name, c.update_rule, c.parent_id")
            .bind(as_of).bind(day_after(as_of)).fetch_all(p).await?);
        let columns = cols
            .into_iter()
            .map(
                |(column_id, unit_id, name, rule, parent, items, last, promised)| ColumnState {
                    column_id,
                    unit_id,
                    name,
                    rule,
                    first_level: parent.is_none(),
                    items: items.max(0) as u64,
                    last_published: last,
                    promised: promised > 0,
                },
            )
            .collect();
        let msgs: Vec<(i64, i64, NaiveDate, Option<NaiveDate>, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, unit_id, received_on, replied_on, status FROM contributions WHERE kind = 'message' AND received_on <= $1")
            .bind(as_of).fetch_all(p).await?);
        let messages = msgs
            .into_iter()
            .map(
                |(message_id, unit_id, received, answered, status)| MessageState {
                    message_id,
                    unit_id,
                    received,
                    answered,
                    valid: status != "rejected",
                },
            )
            .collect();
        let last = self.last_posts().await?;
        let accounts = self
            .media_accounts()
            .await?
            .into_iter()
            .map(|a| AccountState {
                account_id: a.id,
                unit_id: a.unit_id,
                name: format!("{}（{}）", a.name, a.platform),
                last_post: last.get(&a.id).copied().filter(|d| *d <= as_of),
                active: a.status == "active",
            })
            .collect();
        Ok(Snapshot {
            as_of,
            home_last_published: home,
            columns,
            messages,
            accounts,
            links: self.internal_links().await?,
        })
    }

    /// Links in published bodies to the portal's own publications and files.
    async fn internal_links(&self) -> Result<Vec<LinkState>> {
        let rows: Vec<(i64, i64, String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, unit_id, title, body FROM publications WHERE status = 'published' \
             AND (body LIKE '%href=\"/publications/%' OR body LIKE '%href=\"/files/%')")
            .fetch_all(p).await?);
        let mut out = Vec::new();
        for (id, unit_id, title, body) in rows {
            for (prefix, is_file) in [("href=\"/publications/", false), ("href=\"/files/", true)] {
                for part in body.split(prefix).skip(1) {
                    let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
                    let Ok(target) = digits.parse::<i64>() else {
                        continue;
                    };
                    let found = if is_file {
                        match self.attachment(target).await? {
                            Some((info, _)) => {
                                info.owner_kind == "publication"
                                    && self.publication(info.owner_id).await?.is_some_and(|p| {
                                        p.status() == gongkai_core::publishing::Status::Published
                                    })
                            }
                            None => false,
                        }
                    } else {
                        self.publication(target).await?.is_some_and(|p| {
                            p.status() == gongkai_core::publishing::Status::Published
                        })
                    };
                    let kind = if is_file { "files" } else { "publications" };
                    out.push(LinkState {
                        publication_id: id,
                        unit_id,
                        title: title.clone(),
                        target: format!("/{kind}/{target}"),
                        found,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Run the inspection as of `as_of` and keep its findings.
    pub async fn run_inspection(&self, actor: &Actor, as_of: NaiveDate) -> Result<InspectionRun> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let snapshot = self.inspection_snapshot(as_of).await?;
        let findings: Vec<Finding> = inspect(&snapshot);
        let mut tx = self.begin_write().await?;
        let run: InspectionRun = on_tx!(&mut tx, c => sqlx::query_as::<_, InspectionRun>(
            "INSERT INTO inspection_runs (as_of, actor, findings, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, as_of, actor, findings")
            .bind(as_of).bind(actor).bind(findings.len() as i64).bind(now()).fetch_one(c).await?);
        for f in &findings {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO inspection_findings (run_id, unit_id, rule, subject, detail) VALUES ($1, $2, $3, $4, $5)")
                .bind(run.id).bind(f.unit_id).bind(f.rule.as_str()).bind(&f.subject).bind(&f.detail)
                .execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            "inspection.run",
            &format!("inspection:{}", run.id),
            &serde_json::Value::Null,
            &json!({"as_of": as_of, "findings": findings.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(run)
    }

    pub async fn inspection_runs(&self) -> Result<Vec<InspectionRun>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, InspectionRun>(
            "SELECT id, as_of, actor, findings FROM inspection_runs ORDER BY id DESC").fetch_all(p).await?))
    }

    pub async fn inspection_findings(&self, run_id: i64) -> Result<Vec<StoredFinding>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, StoredFinding>(
            "SELECT id, run_id, unit_id, rule, subject, detail FROM inspection_findings WHERE run_id = $1 ORDER BY unit_id, id")
            .bind(run_id).fetch_all(p).await?))
    }

    /// Issue a 通报 from selected findings of a run: each becomes a rectification task for its
    /// unit (findings about the portal as a whole go to the government) due on `deadline`.
    pub async fn issue_notice(
        &self,
        actor: &Actor,
        title: &str,
        run_id: i64,
        finding_ids: &[i64],
        issued_on: NaiveDate,
        deadline: NaiveDate,
    ) -> Result<Notice> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        check_text("通报标题", title, true, 200).map_err(|m| StoreError::invalid("title", m))?;
        if finding_ids.is_empty() {
            return Err(StoreError::invalid("findings", "请至少选择一个问题"));
        }
        if deadline < issued_on {
            return Err(StoreError::invalid("deadline", "整改期限不能早于通报日期"));
        }
        let findings = self.inspection_findings(run_id).await?;
        let root = self
            .root_unit()
            .await?
            .ok_or_else(|| StoreError::NotFound("尚未设置单位".into()))?;
        let chosen: Vec<&StoredFinding> = findings
            .iter()
            .filter(|f| finding_ids.contains(&f.id))
            .collect();
        if chosen.len() != finding_ids.len() {
            return Err(StoreError::invalid("findings", "所选问题不属于这次巡查"));
        }
        let mut tx = self.begin_write().await?;
        let notice: Notice = on_tx!(&mut tx, c => sqlx::query_as::<_, Notice>(
            "INSERT INTO inspection_notices (title, issued_on, run_id, actor, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, title, issued_on, run_id")
            .bind(title.trim()).bind(issued_on).bind(run_id).bind(actor).bind(now()).fetch_one(c).await?);
        for f in chosen {
            let problem = format!("{}：{}（{}）", f.rule_label(), f.subject, f.detail);
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO rectifications (notice_id, finding_id, unit_id, problem, deadline, status) VALUES ($1, $2, $3, $4, $5, 'open')")
                .bind(notice.id).bind(f.id).bind(f.unit_id.unwrap_or(root.id)).bind(&problem).bind(deadline)
                .execute(c).await?.rows_affected());
        }
        audit::append(
            &mut tx,
            actor,
            "notice.issue",
            &format!("notice:{}", notice.id),
            &serde_json::Value::Null,
            &json!({"title": notice.title, "problems": finding_ids.len(), "deadline": deadline}),
        )
        .await?;
        tx.commit().await?;
        Ok(notice)
    }

    pub async fn notices(&self) -> Result<Vec<Notice>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Notice>(
            "SELECT id, title, issued_on, run_id FROM inspection_notices ORDER BY issued_on DESC, id DESC")
            .fetch_all(p).await?))
    }

    pub async fn rectifications(
        &self,
        notice_id: Option<i64>,
        unit_id: Option<i64>,
    ) -> Result<Vec<Rectification>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Rectification>(
            "SELECT id, notice_id, unit_id, problem, deadline, evidence, status, closed_on FROM rectifications \
             WHERE ($1 IS NULL OR notice_id = $1) AND ($2 IS NULL OR unit_id = $2) ORDER BY deadline, id")
            .bind(notice_id).bind(unit_id).fetch_all(p).await?))
    }

    /// The unit submits its evidence of rectification.
    pub async fn submit_rectification(
        &self,
        actor: &Actor,
        id: i64,
        unit_id: i64,
        evidence: &str,
    ) -> Result<()> {
        actor.may(Action::AnswerNotice, Some(unit_id))?;
        let actor = actor.name();
        check_text("整改情况", evidence, true, 5000)
            .map_err(|m| StoreError::invalid("evidence", m))?;
        let mut tx = self.begin_write().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE rectifications SET evidence = $1, status = 'submitted' WHERE id = $2 AND unit_id = $3 AND status <> 'closed'")
            .bind(evidence.trim()).bind(id).bind(unit_id).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Refused("这项整改不属于本单位，或已销号".into()));
        }
        audit::append(
            &mut tx,
            actor,
            "rectification.submit",
            &format!("rectification:{id}"),
            &serde_json::Value::Null,
            &json!({"evidence": evidence.trim()}),
        )
        .await?;
        tx.commit().await
    }

    /// The office closes a rectification whose evidence it accepts.
    pub async fn close_rectification(&self, actor: &Actor, id: i64, on: NaiveDate) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        let mut tx = self.begin_write().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE rectifications SET status = 'closed', closed_on = $1, closed_by = $2 WHERE id = $3 AND status = 'submitted'")
            .bind(on).bind(actor).bind(id).execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Refused(
                "只有已提交整改材料的事项可以销号".into(),
            ));
        }
        audit::append(
            &mut tx,
            actor,
            "rectification.close",
            &format!("rectification:{id}"),
            &serde_json::Value::Null,
            &json!({"closed_on": on}),
        )
        .await?;
        tx.commit().await
    }
}
