//! Answering a query: exact 文号 and 索引号 first, then every term as jieba words (ranking) and as
//! character bigrams (recall), filters, sorting, snippets and facet counts.

use super::*;

/// The bigram phrase of a term: bigrams at every other offset (and the last one) are enough
/// to pin the whole string.
fn gram_query(field: Field, term: &str) -> Box<dyn Query> {
    let chars: Vec<char> = term.chars().collect();
    match chars.len() {
        0 => Box::new(BooleanQuery::new(vec![])),
        1 => {
            let pattern = format!("{}.?", escape_regex(chars[0]));
            match RegexQuery::from_pattern(&pattern, field) {
                Ok(q) => Box::new(q),
                Err(_) => Box::new(TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                )),
            }
        }
        2 => Box::new(TermQuery::new(
            Term::from_field_text(field, term),
            IndexRecordOption::WithFreqs,
        )),
        n => {
            let mut offsets: Vec<usize> = (0..n - 1).step_by(2).collect();
            if offsets.last() != Some(&(n - 2)) {
                offsets.push(n - 2);
            }
            let terms = offsets
                .into_iter()
                .map(|o| {
                    let g: String = chars[o..o + 2].iter().collect();
                    (o, Term::from_field_text(field, &g))
                })
                .collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    }
}

/// Every word of the term as a word of the text (the bigrams already pinned the string).
fn word_query(field: Field, words: &[&str]) -> Box<dyn Query> {
    let term = |w: &&str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, w),
            IndexRecordOption::WithFreqs,
        ))
    };
    if let [w] = words {
        return term(w);
    }
    Box::new(BooleanQuery::new(
        words.iter().map(|w| (Occur::Must, term(w))).collect(),
    ))
}

fn escape_regex(c: char) -> String {
    if c.is_alphanumeric() {
        c.to_string()
    } else {
        format!("\\x{{{:x}}}", c as u32)
    }
}

impl Search {
    /// Search. Never fails on what a user typed: odd characters are searched as text.
    pub fn search(&self, q: &SearchQuery) -> Result<Results> {
        let f = self.fields;
        let mut truncated = q.text.chars().count() > MAX_QUERY_CHARS;
        let raw: String = q.text.chars().take(MAX_QUERY_CHARS).collect();
        let folded = fold(&raw);
        let mut terms: Vec<String> = folded.split_whitespace().map(str::to_string).collect();
        if terms.len() > MAX_TERMS {
            terms.truncate(MAX_TERMS);
            truncated = true;
        }
        let filters = self.filters(q);
        if terms.is_empty() && filters.is_empty() {
            return Ok(Results {
                truncated,
                ..Results::default()
            });
        }
        let exact = self.exact_query(raw.trim());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
            .into_iter()
            .map(|q| {
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
                )
            })
            .collect();
        if terms.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        } else {
            let text = self.all_terms(&terms);
            let matched: Box<dyn Query> = match &exact {
                Some(e) => Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(e.box_clone(), 1e6)),
                    ),
                    (Occur::Should, text),
                ])),
                None => text,
            };
            clauses.push((Occur::Must, matched));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let per_page = q.per_page.clamp(1, MAX_PER_PAGE);
        let page = q.page.clamp(1, MAX_PAGE);
        let top = TopDocs::with_limit(per_page).and_offset((page - 1) * per_page);
        let facets = FacetCounter;
        // One segment: search it on this thread. Several (a large index keeps one per core):
        // each on its own thread.
        use tantivy::query::EnableScoring;
        let executor = if searcher.segment_readers().len() > 1 {
            &self.executor
        } else {
            &tantivy::Executor::SingleThread
        };
        let (addresses, total, counts): (Vec<DocAddress>, usize, _) = if q.by_date {
            let (top, total, counts) = searcher.search_with_executor(
                &query,
                &(
                    top.order_by_fast_field::<u64>("published", Order::Desc),
                    Count,
                    facets,
                ),
                executor,
                EnableScoring::disabled_from_searcher(&searcher),
            )?;
            (top.into_iter().map(|(_, a)| a).collect(), total, counts)
        } else {
            let (top, total, counts) = searcher.search_with_executor(
                &query,
                &(top.order_by_score(), Count, facets),
                executor,
                EnableScoring::enabled_from_searcher(&searcher),
            )?;
            (top.into_iter().map(|(_, a)| a).collect(), total, counts)
        };
        let exact_ids: Vec<u64> = match &exact {
            Some(e) => searcher
                .search(e.as_ref(), &TopDocs::with_limit(10).order_by_score())?
                .into_iter()
                .filter_map(|(_, a)| {
                    searcher
                        .doc::<TantivyDocument>(a)
                        .ok()
                        .and_then(|d| d.get_first(f.id).and_then(|v| v.as_u64()))
                })
                .collect(),
            None => Vec::new(),
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for a in addresses {
            let d: TantivyDocument = searcher.doc(a)?;
            let text_of = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let id = d.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0);
            let body = text_of(f.body);
            hits.push(Hit {
                id: id as i64,
                title: text_of(f.title),
                index_no: text_of(f.index_no),
                doc_number: text_of(f.doc_number),
                unit: text_of(f.unit),
                published: d
                    .get_first(f.published)
                    .and_then(|v| v.as_u64())
                    .and_then(from_date_key)
                    .unwrap_or_default(),
                snippet: text::snippet(&body, &terms, 120),
                exact: exact_ids.contains(&id),
            });
        }
        let facet = |root: &str| -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = counts
                .get(root)
                .into_iter()
                .flatten()
                .map(|(value, count)| FacetCount {
                    value: value.clone(),
                    count: *count,
                })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            v
        };
        let mut years = facet("year");
        years.sort_by(|a, b| b.value.cmp(&a.value));
        Ok(Results {
            total,
            hits,
            facets: Facets {
                unit: facet("unit"),
                year: years,
                column: facet("column"),
                genre: facet("type"),
            },
            terms,
            truncated,
        })
    }

    /// Every item the text query matches, in no order (recall checks in the benchmark).
    pub fn matching_ids(&self, text: &str) -> Result<std::collections::HashSet<i64>> {
        let terms: Vec<String> = fold(text).split_whitespace().map(str::to_string).collect();
        let query = self.all_terms(&terms);
        let searcher = self.reader.searcher();
        let docs = searcher.search(query.as_ref(), &tantivy::collector::DocSetCollector)?;
        let mut ids = std::collections::HashSet::with_capacity(docs.len());
        for a in docs {
            let reader = searcher.segment_reader(a.segment_ord);
            let column = reader.fast_fields().u64("id")?;
            if let Some(id) = column.first(a.doc_id) {
                ids.insert(id as i64);
            }
        }
        Ok(ids)
    }

    /// The ids of the top `n` items for a text query, best first.
    pub fn ranked_ids(&self, text: &str, n: usize) -> Result<Vec<i64>> {
        let q = SearchQuery {
            text: text.to_string(),
            page: 1,
            per_page: n,
            ..Default::default()
        };
        Ok(self.search(&q)?.hits.into_iter().map(|h| h.id).collect())
    }

    fn filters(&self, q: &SearchQuery) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let mut string = |field: Field, v: &Option<String>| {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                out.push(Box::new(TermQuery::new(
                    Term::from_field_text(field, v),
                    IndexRecordOption::Basic,
                )));
            }
        };
        string(f.unit, &q.unit);
        string(f.column, &q.column);
        string(f.genre, &q.genre);
        if let Some(y) = q.year {
            out.push(Box::new(TermQuery::new(
                Term::from_field_u64(f.year, y.max(0) as u64),
                IndexRecordOption::Basic,
            )));
        }
        out
    }

    /// 文号 or 索引号 typed whole.
    fn exact_query(&self, raw: &str) -> Option<Box<dyn Query>> {
        if raw.is_empty() {
            return None;
        }
        let f = self.fields;
        Some(Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.doc_key, &text::doc_number_key(raw)),
                    IndexRecordOption::Basic,
                )),
            ),
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.index_no, raw),
                    IndexRecordOption::Basic,
                )),
            ),
        ])))
    }

    /// Every (folded) term must match: what the search box means by its words.
    fn all_terms(&self, terms: &[String]) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            terms
                .iter()
                .map(|t| (Occur::Must, self.term_query(t)))
                .collect(),
        ))
    }

    /// One (folded) term: it must occur as a string in the title or the body (bigrams);
    /// occurring as words scores more, in the title most.
    fn term_query(&self, term: &str) -> Box<dyn Query> {
        let f = self.fields;
        let must: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(gram_query(f.title_g, term), 2.0)),
            ),
            (Occur::Should, gram_query(f.body_g, term)),
        ]));
        let words: Vec<&str> = text::query_words(term);
        let mut clauses = vec![(Occur::Must, must)];
        if !words.is_empty() {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(word_query(f.title_w, &words), 6.0)),
            ));
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(word_query(f.body_w, &words), 3.0)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}
