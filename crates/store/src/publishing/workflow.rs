//! The life of a publication: draft, change, submit, review (三审 and 保密审查, with the
//! scan's findings and the reviewer's overrides) and withdraw, each step in the ledger.

use super::*;

/// An item (its text or its files) is changed by the unit's editors or the office, and only
/// while it is a draft or withdrawn.
pub(crate) fn check_editable(staff: &Staff, p: &Publication) -> Result<()> {
    if !may_edit(staff, p.unit_id) {
        return Err(StoreError::Forbidden(
            "只有本单位的信息编辑人员或政务公开办可以修改信息".into(),
        ));
    }
    if !p.status().editable() {
        return Err(StoreError::Refused(format!(
            "该信息{}，不能修改；已发布的信息须先撤回",
            p.status_label()
        )));
    }
    Ok(())
}

fn may_edit(staff: &Staff, unit_id: i64) -> bool {
    staff
        .role()
        .allows(staff.unit_id, Action::Draft, Some(unit_id))
}

fn may_review(staff: &Staff, unit_id: i64) -> bool {
    staff
        .role()
        .allows(staff.unit_id, Action::Review, Some(unit_id))
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound(format!("没有编号为 {id} 的信息"))
}

/// The next index number of a unit for a year.
async fn next_index(tx: &mut Tx, unit_id: i64, prefix: &str, year: i32) -> Result<String> {
    let (last,): (i64,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO index_counters (unit_id, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (unit_id, year) DO UPDATE SET last = index_counters.last + 1 RETURNING last")
        .bind(unit_id).bind(year as i64).fetch_one(c).await?);
    Ok(index_number(prefix, year, last))
}

/// The prefix of a unit's index numbers: its code in upper case.
fn index_prefix(unit_code: &str) -> String {
    unit_code.to_uppercase()
}

pub(crate) async fn pub_tx(tx: &mut Tx, id: i64) -> Result<Publication> {
    let p: Option<Publication> = on_tx!(tx, c => sqlx::query_as::<_, Publication>(sqlx::AssertSqlSafe(
        format!("SELECT {PUB_COLUMNS} FROM publications WHERE id = $1")))
        .bind(id).fetch_optional(c).await?);
    p.ok_or_else(|| not_found(id))
}

async fn add_review_row(
    tx: &mut Tx,
    p: &Publication,
    step: &str,
    who: &Staff,
    passed: bool,
    checklist: &str,
    note: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO publication_reviews (publication_id, version, step, reviewer_id, reviewer_name, passed, checklist, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(p.id).bind(p.version).bind(step).bind(who.id)
        .bind(format!("{}（{}）", who.display_name, who.unit_name))
        .bind(passed).bind(checklist).bind(note).bind(now())
        .execute(c).await?.rows_affected());
    Ok(())
}

async fn set_columns(tx: &mut Tx, publication_id: i64, column_ids: &[i64]) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM publication_columns WHERE publication_id = $1")
        .bind(publication_id).execute(c).await?.rows_affected());
    for col in column_ids {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO publication_columns (publication_id, column_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(publication_id).bind(col).execute(c).await?.rows_affected());
    }
    Ok(())
}

fn audit_view(p: &Publication) -> serde_json::Value {
    json!({"index_no": p.index_no, "title": p.title, "status": p.status, "version": p.version,
           "formed_on": p.formed_on, "published_on": p.published_on, "doc_number": p.doc_number})
}

impl Store {
    async fn check_publication(
        &self,
        unit_id: i64,
        input: &PublicationInput,
        today: NaiveDate,
    ) -> Result<Checked> {
        let mut errs = Vec::new();
        let mut i = input.clone();
        for s in [
            &mut i.title,
            &mut i.summary,
            &mut i.formed_on,
            &mut i.publisher,
            &mut i.doc_number,
            &mut i.topic,
            &mut i.genre,
            &mut i.validity,
            &mut i.interprets,
        ] {
            *s = s.trim().to_string();
        }
        if let Err(m) = check_text("名称", &i.title, true, 200) {
            errs.push(FieldError {
                field: "title",
                message: m,
            });
        }
        if let Err(m) = check_text("内容概述", &i.summary, false, 1000) {
            errs.push(FieldError {
                field: "summary",
                message: m,
            });
        }
        if let Err(m) = check_text("文号", &i.doc_number, false, 60) {
            errs.push(FieldError {
                field: "doc_number",
                message: m,
            });
        }
        let formed_on = parse_date(&i.formed_on, "formed_on", "生成日期", &mut errs);
        if let Some(f) = formed_on
            && f > today
        {
            errs.push(FieldError {
                field: "formed_on",
                message: "生成日期不能晚于今天".into(),
            });
        }
        if i.genre.is_empty() {
            i.genre = "other".into();
        }
        if !GENRES.iter().any(|(k, _)| *k == i.genre) {
            errs.push(FieldError {
                field: "genre",
                message: "请从列表中选择体裁".into(),
            });
        }
        i.media_form = i.media_form.trim().to_string();
        if !i.media_form.is_empty() && !MEDIA_FORMS.iter().any(|(k, _)| *k == i.media_form) {
            errs.push(FieldError {
                field: "media_form",
                message: "请从列表中选择解读形式".into(),
            });
        }
        if !i.validity.is_empty()
            && !gongkai_core::publishing::VALIDITY
                .iter()
                .any(|(k, _)| *k == i.validity)
        {
            errs.push(FieldError {
                field: "validity",
                message: "请从列表中选择有效性".into(),
            });
        }
        let columns = self.column_tree(unit_id, false).await?;
        i.column_ids.sort_unstable();
        i.column_ids.dedup();
        if i.column_ids.is_empty() {
            errs.push(FieldError {
                field: "column_ids",
                message: "请至少选择一个发布栏目".into(),
            });
        } else if i
            .column_ids
            .iter()
            .any(|id| !columns.iter().any(|n| n.column.id == *id))
        {
            errs.push(FieldError {
                field: "column_ids",
                message: "所选栏目不属于本单位或已停用".into(),
            });
        }
        let mut interprets_id = None;
        if !i.interprets.is_empty() {
            match self.publication_by_index(&i.interprets).await? {
                Some(p) if p.status() == Status::Published => interprets_id = Some(p.id),
                _ => errs.push(FieldError {
                    field: "interprets",
                    message: format!("没有找到索引号为“{}”的已发布政策文件", i.interprets),
                }),
            }
        }
        let body = sanitise(&i.body);
        let (Some(formed_on), true) = (formed_on, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        Ok(Checked {
            body,
            input: i,
            formed_on,
            interprets_id,
        })
    }

    /// Start a draft in a unit; the index number is given at once.
    pub async fn create_publication(
        &self,
        author: &Staff,
        unit_id: i64,
        input: &PublicationInput,
        today: NaiveDate,
    ) -> Result<Publication> {
        if !may_edit(author, unit_id) {
            return Err(StoreError::Refused(
                "只有本单位的信息编辑人员或政务公开办可以起草信息".into(),
            ));
        }
        let unit = self
            .unit_by_id(unit_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这个单位".into()))?;
        let Checked {
            input: i,
            body,
            formed_on,
            interprets_id,
        } = self.check_publication(unit_id, input, today).await?;
        let publisher = if i.publisher.is_empty() {
            unit.name.clone()
        } else {
            i.publisher.clone()
        };
        let mut tx = self.begin_write().await?;
        let index_no = next_index(
            &mut tx,
            unit_id,
            &index_prefix(&unit.code),
            formed_on.year(),
        )
        .await?;
        let at = now();
        let (id,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
            "INSERT INTO publications (unit_id, index_no, title, summary, formed_on, publisher, doc_number, \
             topic, genre, validity, body, interprets_id, status, author_id, created_at, updated_at, media_form) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', $13, $14, $14, $15) RETURNING id")
            .bind(unit_id).bind(&index_no).bind(&i.title).bind(&i.summary).bind(formed_on)
            .bind(&publisher).bind(&i.doc_number).bind(&i.topic).bind(&i.genre).bind(&i.validity)
            .bind(body.as_str()).bind(interprets_id).bind(author.id).bind(at).bind(&i.media_form)
            .fetch_one(c).await?);
        set_columns(&mut tx, id, &i.column_ids).await?;
        let p = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &crate::actor::staff_name(&author.username),
            "publication.create",
            &format!("publication:{index_no}"),
            &serde_json::Value::Null,
            &audit_view(&p),
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Change a draft (or a withdrawn item before it is published again).
    pub async fn update_publication(
        &self,
        staff: &Staff,
        id: i64,
        input: &PublicationInput,
        today: NaiveDate,
    ) -> Result<Publication> {
        let before = self.publication(id).await?.ok_or_else(|| not_found(id))?;
        check_editable(staff, &before)?;
        let Checked {
            input: i,
            body,
            formed_on,
            interprets_id,
        } = self.check_publication(before.unit_id, input, today).await?;
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET title = $1, summary = $2, formed_on = $3, publisher = $4, doc_number = $5, \
             topic = $6, genre = $7, validity = $8, body = $9, interprets_id = $10, updated_at = $11, \
             media_form = $13 WHERE id = $12")
            .bind(&i.title).bind(&i.summary).bind(formed_on)
            .bind(if i.publisher.is_empty() { &before.publisher } else { &i.publisher })
            .bind(&i.doc_number).bind(&i.topic).bind(&i.genre).bind(&i.validity).bind(body.as_str())
            .bind(interprets_id).bind(now()).bind(id).bind(&i.media_form)
            .execute(c).await?.rows_affected());
        set_columns(&mut tx, id, &i.column_ids).await?;
        let after = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &crate::actor::staff_name(&staff.username),
            "publication.update",
            &format!("publication:{}", before.index_no),
            &audit_view(&before),
            &audit_view(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Send a draft to 初审.
    pub async fn submit_publication(&self, staff: &Staff, id: i64) -> Result<Publication> {
        let mut tx = self.begin_write().await?;
        let p = pub_tx(&mut tx, id).await?;
        if !may_edit(staff, p.unit_id) {
            return Err(StoreError::Refused(
                "只有本单位的信息编辑人员或政务公开办可以提交审核".into(),
            ));
        }
        if !p.status().editable() {
            return Err(StoreError::Refused(format!(
                "该信息{}，不能再次提交",
                p.status_label()
            )));
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET status = 'first_review', updated_at = $1 WHERE id = $2")
            .bind(now()).bind(id).execute(c).await?.rows_affected());
        add_review_row(&mut tx, &p, "submit", staff, true, "", "").await?;
        let after = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &crate::actor::staff_name(&staff.username),
            "publication.submit",
            &format!("publication:{}", p.index_no),
            &audit_view(&p),
            &audit_view(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Give the review the item waits for. Passing the 保密审查 publishes it on `today`; it is
    /// refused while the scan has findings and no reason to override them is given.
    pub async fn review_publication(
        &self,
        reviewer: &Staff,
        id: i64,
        r: &ReviewInput,
        today: NaiveDate,
    ) -> Result<Publication> {
        // The scan is the command's own, over what is stored: the text as the portal and the
        // index read it, and each attachment's result kept from its arrival. It runs before
        // the write transaction (a file kept without a result is scanned now); the item must
        // not change in between.
        let scanned = self.publication(id).await?.ok_or_else(|| not_found(id))?;
        let findings = if r.passed {
            self.release_findings(&scanned, today).await?
        } else {
            Vec::new()
        };
        let mut tx = self.begin_write().await?;
        let p = pub_tx(&mut tx, id).await?;
        if p.version != scanned.version || p.updated_at != scanned.updated_at {
            return Err(StoreError::Conflict(
                "该信息刚被修改，请刷新后重新审核".into(),
            ));
        }
        if !may_review(reviewer, p.unit_id) {
            return Err(StoreError::Refused(
                "只有本单位的审核人员或政务公开办可以审核信息".into(),
            ));
        }
        let past: Vec<(String, Option<i64>)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT step, reviewer_id FROM publication_reviews WHERE publication_id = $1 AND version = $2 AND passed")
            .bind(id).bind(p.version).fetch_all(c).await?);
        let past: Vec<PastReview> = past
            .into_iter()
            .filter_map(|(s, r)| {
                Some(PastReview {
                    step: Step::parse(&s)?,
                    reviewer: r?,
                })
            })
            .collect();
        let ticked: Vec<&str> = r.ticked.iter().map(String::as_str).collect();
        let step = check_review(
            p.status(),
            p.author_id.unwrap_or(-1),
            reviewer.id,
            &past,
            &ticked,
            r.passed,
        )
        .map_err(|e| StoreError::Refused(e.to_string()))?;
        let note = r.note.trim();
        if !r.passed && note.is_empty() {
            return Err(StoreError::invalid(
                "note",
                "退回修改时请写明需要修改的内容",
            ));
        }
        let override_reason = r.override_reason.trim();
        if step == Step::Secrecy && r.passed && !findings.is_empty() && override_reason.is_empty() {
            return Err(StoreError::Refused(format!(
                "个人信息和涉密标识检查发现 {} 处问题，不能发布：{}。请修改后重新提交，或写明确需公开的理由。",
                findings.len(),
                findings.join("；")
            )));
        }
        let next = if r.passed { step.next() } else { Status::Draft };
        let published_on = (next == Status::Published).then_some(today);
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET status = $1, published_on = COALESCE($2, published_on), updated_at = $3 WHERE id = $4")
            .bind(next.as_str()).bind(published_on).bind(now()).bind(id)
            .execute(c).await?.rows_affected());
        // Findings at a content review are noted for the secrecy review, which alone may let
        // them through with a reason: only that is an override.
        let overridden = r.passed && !findings.is_empty() && !override_reason.is_empty();
        let full_note = if r.passed && !findings.is_empty() {
            format!(
                "{note}{}检查发现：{}{}",
                if note.is_empty() { "" } else { "。" },
                findings.join("；"),
                if overridden {
                    format!("；公开理由：{override_reason}")
                } else {
                    String::new()
                }
            )
        } else {
            note.to_string()
        };
        add_review_row(
            &mut tx,
            &p,
            step.as_str(),
            reviewer,
            r.passed,
            &ticked.join(","),
            &full_note,
        )
        .await?;
        let after = pub_tx(&mut tx, id).await?;
        let actor = crate::actor::staff_name(&reviewer.username);
        audit::append(
            &mut tx,
            &actor,
            if r.passed {
                "publication.review.pass"
            } else {
                "publication.review.return"
            },
            &format!("publication:{}", p.index_no),
            &audit_view(&p),
            &json!({"step": step.as_str(), "after": audit_view(&after), "checklist": ticked,
                    "note": full_note}),
        )
        .await?;
        if overridden {
            audit::append(
                &mut tx,
                &actor,
                "publication.scan_override",
                &format!("publication:{}", p.index_no),
                &json!({"findings": findings}),
                &json!({"reason": override_reason}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Take a published item off the portal, with the reason; it can be changed and sent
    /// through the reviews again.
    pub async fn withdraw_publication(
        &self,
        staff: &Staff,
        id: i64,
        reason: &str,
    ) -> Result<Publication> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("reason", "请写明撤回的理由"));
        }
        let mut tx = self.begin_write().await?;
        let p = pub_tx(&mut tx, id).await?;
        if !may_review(staff, p.unit_id) && !may_edit(staff, p.unit_id) {
            return Err(StoreError::Refused("无权撤回本信息".into()));
        }
        if p.status() != Status::Published {
            return Err(StoreError::Refused("只有已发布的信息可以撤回".into()));
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE publications SET status = 'withdrawn', withdrawn_reason = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(reason).bind(now()).bind(id).execute(c).await?.rows_affected());
        add_review_row(&mut tx, &p, "withdraw", staff, true, "", reason).await?;
        let after = pub_tx(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &crate::actor::staff_name(&staff.username),
            "publication.withdraw",
            &format!("publication:{}", p.index_no),
            &audit_view(&p),
            &json!({"after": audit_view(&after), "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
