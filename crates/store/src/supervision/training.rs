//! Training held, the yearly assessment of units, and the government-service figures entered
//! with their sources: inputs of the annual report's section 六.

use super::*;

impl Store {
    pub async fn add_training(
        &self,
        actor: &Actor,
        held_on: NaiveDate,
        level: &str,
        topic: &str,
        attendance: i64,
    ) -> Result<Training> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !["district", "city", "province"].contains(&level) {
            return Err(StoreError::invalid("level", "请选择培训层级"));
        }
        check_text("培训主题", topic, true, 200).map_err(|m| StoreError::invalid("topic", m))?;
        if !(0..=100_000).contains(&attendance) {
            return Err(StoreError::invalid(
                "attendance",
                "参训人次应为 0 到 100000",
            ));
        }
        let mut tx = self.begin_write().await?;
        let t: Training = on_tx!(&mut tx, c => sqlx::query_as::<_, Training>(
            "INSERT INTO trainings (held_on, level, topic, attendance, actor) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, held_on, level, topic, attendance")
            .bind(held_on).bind(level).bind(topic.trim()).bind(attendance).bind(actor).fetch_one(c).await?);
        audit::append(
            &mut tx,
            actor,
            "training.add",
            &format!("training:{}", t.id),
            &serde_json::Value::Null,
            &json!({"held_on": held_on, "level": level, "attendance": attendance}),
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    pub async fn trainings(&self, year: Option<i32>) -> Result<Vec<Training>> {
        let all: Vec<Training> = on_pool!(self, p => sqlx::query_as::<_, Training>(
            "SELECT id, held_on, level, topic, attendance FROM trainings ORDER BY held_on DESC").fetch_all(p).await?);
        Ok(all
            .into_iter()
            .filter(|t| year.is_none_or(|y| t.held_on.year() == y))
            .collect())
    }

    pub async fn set_assessment(
        &self,
        actor: &Actor,
        unit_id: i64,
        year: i32,
        score: i64,
        disclosure_score: i64,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !(0..=100).contains(&score) || !(0..=score).contains(&disclosure_score) {
            return Err(StoreError::invalid(
                "score",
                "总分应为 0–100，政务公开分项不超过总分",
            ));
        }
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO assessments (unit_id, year, score, disclosure_score) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (unit_id, year) DO UPDATE SET score = excluded.score, disclosure_score = excluded.disclosure_score")
            .bind(unit_id).bind(year as i64).bind(score).bind(disclosure_score).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "assessment.set",
            &format!("unit:{unit_id}:{year}"),
            &serde_json::Value::Null,
            &json!({"score": score, "disclosure_score": disclosure_score}),
        )
        .await?;
        tx.commit().await
    }

    pub async fn assessments(&self, year: i32) -> Result<Vec<(i64, i64, i64)>> {
        Ok(on_pool!(self, p => sqlx::query_as(
            "SELECT unit_id, score, disclosure_score FROM assessments WHERE year = $1 ORDER BY score DESC")
            .bind(year as i64).fetch_all(p).await?))
    }

    pub async fn set_service_count(
        &self,
        actor: &Actor,
        year: i32,
        kind: &str,
        amount: i64,
        source: &str,
    ) -> Result<()> {
        actor.may(Action::Administer, None)?;
        let actor = actor.name();
        if !["services", "one_visit", "public_services", "online"].contains(&kind) {
            return Err(StoreError::invalid("kind", "请选择数据项"));
        }
        if amount < 0 {
            return Err(StoreError::invalid("amount", "数量不能为负数"));
        }
        check_text("数据来源", source, true, 200).map_err(|m| StoreError::invalid("source", m))?;
        let mut tx = self.begin_write().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO service_counts (year, kind, amount, source) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year, kind) DO UPDATE SET amount = excluded.amount, source = excluded.source")
            .bind(year as i64).bind(kind).bind(amount).bind(source.trim()).execute(c).await?.rows_affected());
        audit::append(
            &mut tx,
            actor,
            "services.set",
            &format!("services:{year}:{kind}"),
            &serde_json::Value::Null,
            &json!({"amount": amount, "source": source.trim()}),
        )
        .await?;
        tx.commit().await
    }
}
