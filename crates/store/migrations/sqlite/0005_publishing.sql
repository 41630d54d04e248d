-- Proactive disclosure (主动公开): catalog columns, publications and their reviews (the
-- 发布审核台账), index-number counters, basic catalogs, normative documents with their
-- evaluation campaigns, the other figures of table 二, and versions of each unit's guide.
CREATE TABLE columns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    parent_id INTEGER REFERENCES columns(id),
    name TEXT NOT NULL,
    catalog TEXT NOT NULL,
    update_rule TEXT NOT NULL DEFAULT 'as_needed',
    sort_order INTEGER NOT NULL DEFAULT 0,
    retired_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX columns_unit ON columns(unit_id, parent_id);

CREATE TABLE publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    index_no TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    formed_on TEXT NOT NULL,
    published_on TEXT,
    publisher TEXT NOT NULL,
    doc_number TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL DEFAULT '',
    genre TEXT NOT NULL DEFAULT 'other',
    validity TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    interprets_id INTEGER REFERENCES publications(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'first_review', 'second_review', 'final_review', 'secrecy_review', 'published', 'withdrawn')),
    author_id INTEGER REFERENCES staff(id),
    version INTEGER NOT NULL DEFAULT 1,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX publications_unit ON publications(unit_id, status, published_on);
CREATE INDEX publications_published ON publications(status, published_on);
CREATE INDEX publications_doc_number ON publications(doc_number);
CREATE INDEX publications_interprets ON publications(interprets_id);

CREATE TABLE publication_columns (
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    column_id INTEGER NOT NULL REFERENCES columns(id),
    PRIMARY KEY (publication_id, column_id)
);
CREATE INDEX publication_columns_column ON publication_columns(column_id, publication_id);

CREATE TABLE publication_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    publication_id INTEGER NOT NULL REFERENCES publications(id),
    version INTEGER NOT NULL,
    step TEXT NOT NULL CHECK (step IN ('submit', 'first', 'second', 'final', 'secrecy', 'withdraw')),
    reviewer_id INTEGER REFERENCES staff(id),
    reviewer_name TEXT NOT NULL,
    passed INTEGER NOT NULL,
    checklist TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX publication_reviews_pub ON publication_reviews(publication_id, id);

CREATE TABLE index_counters (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE basic_catalogs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    published_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX basic_catalogs_unit ON basic_catalogs(unit_id, year);

CREATE TABLE basic_catalog_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    catalog_id INTEGER NOT NULL REFERENCES basic_catalogs(id),
    column_id INTEGER REFERENCES columns(id),
    item TEXT NOT NULL,
    basis TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT ''
);
CREATE INDEX basic_catalog_entries_catalog ON basic_catalog_entries(catalog_id, id);

CREATE TABLE normative_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('rule', 'normative')),
    title TEXT NOT NULL,
    doc_number TEXT NOT NULL DEFAULT '',
    issued_on TEXT NOT NULL,
    amended_on TEXT,
    repealed_on TEXT,
    validity TEXT NOT NULL CHECK (validity IN ('valid', 'amended', 'repealed')),
    disclosure TEXT NOT NULL CHECK (disclosure IN ('active', 'on_request', 'not_public')),
    publication_id INTEGER REFERENCES publications(id),
    created_at TEXT NOT NULL
);
CREATE INDEX normative_documents_unit ON normative_documents(unit_id, issued_on);

CREATE TABLE evaluation_campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL,
    started_on TEXT NOT NULL,
    finished_on TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE campaign_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id INTEGER NOT NULL REFERENCES evaluation_campaigns(id),
    document_id INTEGER NOT NULL REFERENCES normative_documents(id),
    validity_before TEXT NOT NULL,
    validity_after TEXT NOT NULL,
    disclosure_before TEXT NOT NULL,
    disclosure_after TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    reviewed_on TEXT NOT NULL,
    UNIQUE (campaign_id, document_id)
);

CREATE TABLE decision_counts (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('license', 'penalty', 'coercion', 'fees')),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, year, kind)
);

CREATE TABLE guide_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    content TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX guide_versions_unit ON guide_versions(unit_id, id);
