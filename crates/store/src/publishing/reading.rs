//! Reading publications back: one by id or index number, the lists of the console and the
//! portal, what the search index is fed, and the counts per column.

use super::*;

impl Store {
    pub async fn publication(&self, id: i64) -> Result<Option<Publication>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Publication>(sqlx::AssertSqlSafe(format!(
            "SELECT {PUB_COLUMNS} FROM publications WHERE id = $1")))
            .bind(id).fetch_optional(p).await?),
        )
    }

    pub async fn publication_by_index(&self, index_no: &str) -> Result<Option<Publication>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Publication>(sqlx::AssertSqlSafe(format!(
            "SELECT {PUB_COLUMNS} FROM publications WHERE index_no = $1")))
            .bind(index_no.trim()).fetch_optional(p).await?),
        )
    }

    /// Items in the order of their last change, after `cursor` (a change time and an id), for
    /// the search index to follow the store. Every status: the index drops what is no longer
    /// published.
    pub async fn publications_for_index(
        &self,
        cursor: Option<(DateTime<Utc>, i64)>,
        limit: i64,
    ) -> Result<Vec<IndexRow>> {
        const COLS: &str = "id, unit_id, status, title, summary, body, index_no, doc_number, genre, \
             published_on, updated_at";
        Ok(match cursor {
            None => on_pool!(self, p => sqlx::query_as::<_, IndexRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM publications ORDER BY updated_at, id LIMIT $1")))
                .bind(limit).fetch_all(p).await?),
            Some((at, id)) => {
                on_pool!(self, p => sqlx::query_as::<_, IndexRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM publications WHERE updated_at > $1 OR (updated_at = $1 AND id > $2) \
                 ORDER BY updated_at, id LIMIT $3")))
                .bind(at).bind(id).bind(limit).fetch_all(p).await?)
            }
        })
    }

    /// How many items changed in `[from, to]` (the search index's check that nothing slipped
    /// in behind its watermark).
    pub async fn publications_changed_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64> {
        let (n,): (i64,) = on_pool!(self, p => sqlx::query_as(
            "SELECT COUNT(*) FROM publications WHERE updated_at >= $1 AND updated_at <= $2")
            .bind(from).bind(to).fetch_one(p).await?);
        Ok(n)
    }

    /// The names of the columns each of these items is in.
    pub async fn column_names_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT pc.publication_id, c.name FROM publication_columns pc \
                 JOIN columns c ON c.id = pc.column_id WHERE pc.publication_id IN ({}) \
                 ORDER BY pc.publication_id, c.id",
                params_list(self.backend() == "postgres", chunk.len(), "?")
            );
            let rows: Vec<(i64, String)> = on_pool!(self, p => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            for (id, name) in rows {
                out.entry(id).or_default().push(name);
            }
        }
        Ok(out)
    }

    /// The columns an item is in.
    pub async fn publication_columns(&self, id: i64) -> Result<Vec<Column>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, Column>(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM columns c JOIN publication_columns pc ON pc.column_id = c.id \
             WHERE pc.publication_id = $1 ORDER BY c.id",
            COLUMN_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", "))))
            .bind(id).fetch_all(p).await?),
        )
    }

    /// The review ledger of an item, oldest first.
    pub async fn publication_reviews(&self, id: i64) -> Result<Vec<Review>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, Review>(
            "SELECT id, publication_id, version, step, reviewer_id, reviewer_name, passed, checklist, note, at \
             FROM publication_reviews WHERE publication_id = $1 ORDER BY id")
            .bind(id).fetch_all(p).await?))
    }

    /// Published interpretations of a policy.
    pub async fn interpretations_of(&self, id: i64) -> Result<Vec<PublicationRow>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, PublicationRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW_COLUMNS} FROM publications p WHERE p.interprets_id = $1 \
             ORDER BY p.published_on DESC, p.id DESC")))
            .bind(id).fetch_all(p).await?)
            // Published ones only; filtered here, as a status condition in SQL leads SQLite's
            // planner to walk every published item instead of the few interpreting this one.
            .into_iter()
            .filter(|r| r.status == "published")
            .collect(),
        )
    }

    /// A page of publications, newest first, and the total.
    pub async fn publications(&self, f: &PublicationFilter) -> Result<(i64, Vec<PublicationRow>)> {
        enum Bind {
            Int(i64),
            Date(NaiveDate),
            Text(&'static str),
        }
        let mut conds = Vec::new();
        let mut binds = Vec::new();
        if let Some(u) = f.unit_id {
            binds.push(Bind::Int(u));
            conds.push(format!("p.unit_id = ${}", binds.len()));
        }
        let mut in_column = None;
        if let Some(c) = f.column_id {
            binds.push(Bind::Int(c));
            in_column = Some(binds.len());
        }
        if let Some(y) = f.year {
            let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
            let to = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or_default();
            binds.push(Bind::Date(from));
            binds.push(Bind::Date(to));
            conds.push(format!(
                "p.published_on >= ${} AND p.published_on < ${}",
                binds.len() - 1,
                binds.len()
            ));
        }
        if let Some(st) = f.status {
            binds.push(Bind::Text(st.as_str()));
            conds.push(format!("p.status = ${}", binds.len()));
        }
        // Where the items come from, with the conditions on the items themselves. A column's
        // count starts from the column's items (CROSS JOIN keeps SQLite to that order: from
        // every published item it took 10 ms a column on the demo); the page of a large
        // column walks the published items by date and stops at the page's end.
        let source = |from: &str, first: Option<String>| {
            let all: Vec<String> = first.into_iter().chain(conds.iter().cloned()).collect();
            if all.is_empty() {
                from.to_string()
            } else {
                format!("{from} WHERE {}", all.join(" AND "))
            }
        };
        let from_column = |k: usize| {
            source(
                "publication_columns pcf CROSS JOIN publications p",
                Some(format!(
                    "pcf.column_id = ${k} AND p.id = pcf.publication_id"
                )),
            )
        };
        let count_sql = format!(
            "SELECT COUNT(*) FROM {}",
            match in_column {
                Some(k) => from_column(k),
                None => source("publications p", None),
            }
        );
        let per_page = f.per_page.clamp(1, 50_000);
        let offset = f.page.max(0) * per_page;

        macro_rules! bound {
            ($q:expr) => {{
                let mut q = $q;
                for b in &binds {
                    q = match b {
                        Bind::Int(i) => q.bind(*i),
                        Bind::Date(d) => q.bind(*d),
                        Bind::Text(t) => q.bind(*t),
                    };
                }
                q
            }};
        }
        let (total,): (i64,) = on_pool!(self, p => bound!(sqlx::query_as(sqlx::AssertSqlSafe(count_sql.clone()))).fetch_one(p).await?);
        // A column of few items: sort them (walking every published item by date to find a
        // rare column's newest took milliseconds a column).
        let list_from = match in_column {
            Some(k) if total <= SMALL_COLUMN => from_column(k),
            Some(k) => source(
                "publications p",
                Some(format!(
                    "p.id IN (SELECT publication_id FROM publication_columns WHERE column_id = ${k})"
                )),
            ),
            None => source("publications p", None),
        };
        let list_sql = format!(
            "SELECT {ROW_COLUMNS} FROM {list_from} \
             ORDER BY p.published_on DESC, p.id DESC LIMIT {per_page} OFFSET {offset}"
        );
        let rows: Vec<PublicationRow> = on_pool!(self, p => bound!(sqlx::query_as::<_, PublicationRow>(sqlx::AssertSqlSafe(list_sql.clone()))).fetch_all(p).await?);
        Ok((total, rows))
    }

    /// Published items per column of a unit (for the catalog tree).
    pub async fn column_counts(&self, unit_id: i64) -> Result<HashMap<i64, i64>> {
        // From the unit's columns to their items to each item's status, in that order (CROSS
        // JOIN for SQLite, whose planner otherwise started from every published item of every
        // unit: seconds; a set of the unit's published items built for each call: 65 ms on the
        // demo's government, 14 ms this way).
        let rows: Vec<(i64, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT pc.column_id, COUNT(*) FROM columns c CROSS JOIN publication_columns pc \
             CROSS JOIN publications p WHERE c.unit_id = $1 AND pc.column_id = c.id \
             AND p.id = pc.publication_id AND p.unit_id = $1 AND p.status = 'published' \
             GROUP BY pc.column_id")
            .bind(unit_id).fetch_all(p).await?);
        Ok(rows.into_iter().collect())
    }
}
