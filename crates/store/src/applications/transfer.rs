//! 转送: an open application sent to the unit that holds the information, answered here as 4.1
//! with its notice and continued there as a new application.

use super::*;

impl Store {
    /// Transfer (转送) an open application to the unit responsible for the information: here it
    /// is answered as 4.1 (Art. 36(五): not held by this unit, the right unit named) with a notice
    /// letter; it continues at the other unit as a new application received on `on`, whose
    /// tracking code and query password the notice gives the applicant.
    pub async fn transfer_application(
        &self,
        actor: &Actor,
        application_id: i64,
        to_unit_code: &str,
        on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Application> {
        let app = self
            .application(application_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("没有这件申请".into()))?;
        let target = self
            .unit_by_code(to_unit_code.trim())
            .await?
            .ok_or_else(|| StoreError::invalid("to_unit", "请选择要转送的机关"))?;
        if target.id == app.unit_id {
            return Err(StoreError::invalid("to_unit", "不能转送给本机关"));
        }
        // Checked again in the transaction below; this first check keeps a refused actor from
        // being shown an earlier transfer's result by the idempotency key.
        actor.may(Action::HandleApplications, Some(app.unit_id))?;
        let cal = self.calendar().await?;
        let answer = Event::Answered {
            on,
            outcome: "4.1".into(),
        };

        let input = ApplicationInput {
            unit_code: target.code.clone(),
            applicant_type: app.applicant_type.clone(),
            applicant_name: app.applicant_name.clone(),
            id_kind: app.id_kind.clone(),
            id_number: app.id_number.clone(),
            phone: app.phone.clone(),
            email: app.email.clone(),
            address: app.address.clone(),
            postcode: app.postcode.clone(),
            info_description: app.info_description.clone(),
            info_doc_number: app.info_doc_number.clone(),
            purpose: app.purpose.clone(),
            form_wanted: app.form_wanted.clone(),
            delivery: app.delivery.clone(),
        };
        let key = format!("transfer:{}:{}", app.id, target.code);
        let prepared = match self
            .prepare(app.channel()?, &input, Some(on), Some(&key), today)
            .await?
        {
            Ok(p) => p,
            Err(existing) => return Ok(existing.application),
        };
        let mut tx = self.begin_write().await?;
        // The rules are checked on what the transaction reads, like every command's.
        let l = commands::load(&mut tx, actor, app.id).await?;
        let events = l.events.clone();
        check_next(&cal, &l.facts, &l.events, &answer, today)
            .map_err(|r| commands::refused(r.field, r.message))?;
        let actor = actor.name();
        let mut chain = audit::Chain::load(&mut tx).await?;
        let written = write_prepared(&mut tx, &mut chain, actor, &prepared).await?;
        let Written::New {
            id: new_id,
            tracking_code,
        } = &written
        else {
            return Err(StoreError::Conflict("该申请已转送过".into()));
        };
        on_tx!(&mut tx, c => sqlx::query("UPDATE applications SET transferred_from = $1 WHERE id = $2")
            .bind(app.id).bind(*new_id).execute(c).await?.rows_affected());
        insert_event(&mut tx, app.id, &answer, actor).await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE applications SET outcome = '4.1', concluded_on = $1 WHERE id = $2")
            .bind(on).bind(app.id).execute(c).await?.rows_affected());
        let body = format!(
            "{name}：\n\n本机关于{received}收到您的政府信息公开申请（申请编号：{code}）。经查，您申请获取的政府信息不属于本机关负责公开，根据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，已于{on}转送负责公开该信息的{target}办理，答复期限自其收到之日起计算。\n\n该申请在{target}的查询码为 {new_code}，查询密码为 {password}，可在本网站“办理进度查询”中查询。\n\n如对本告知不服，可以自收到本告知之日起六十日内申请行政复议，或者自收到本告知之日起六个月内向人民法院提起行政诉讼。\n\n{unit}\n{on}",
            name = app.applicant_name,
            received = progress(&cal, &events, today)
                .ok()
                .and_then(|p| p.received)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            code = app.tracking_code,
            target = target.name,
            new_code = tracking_code,
            password = prepared.password,
            unit = app.unit_name,
        );
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO letters (application_id, kind, title, body, issued_on, created_at) VALUES ($1, 'transfer', $2, $3, $4, $5)")
            .bind(app.id).bind(format!("{}政府信息公开申请转送告知书", app.unit_name)).bind(&body).bind(on).bind(now())
            .execute(c).await?.rows_affected());
        chain
            .append(
                &mut tx,
                actor,
                "application.transfer",
                &format!("application:{}", app.tracking_code),
                &json!({"unit": app.unit_code}),
                &json!({"unit": target.code, "continues_as": tracking_code, "on": on}),
            )
            .await?;
        tx.commit().await?;
        let new = self.finish(prepared, written).await?;
        Ok(new.application)
    }
}
