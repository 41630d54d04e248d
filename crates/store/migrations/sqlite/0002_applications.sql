-- Disclosure on application (依申请公开): applications, their events, letters, review cases.
CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    tracking_code TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'in_person', 'post', 'fax', 'email')),
    applicant_type TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_kind TEXT NOT NULL CHECK (id_kind IN ('id_card', 'credit_code', 'other')),
    id_number TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    info_description TEXT NOT NULL,
    info_doc_number TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    form_wanted TEXT NOT NULL,
    delivery TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    handler_id INTEGER REFERENCES staff(id),
    outcome TEXT,
    concluded_on TEXT,
    fee_yuan INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX applications_unit ON applications(unit_id, concluded_on);
CREATE INDEX applications_id_number ON applications(id_number);

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX application_events_app ON application_events(application_id, id);

CREATE TABLE letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX letters_app ON letters(application_id);

CREATE TABLE review_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL CHECK (kind IN ('reconsideration', 'direct_lawsuit', 'lawsuit_after_reconsideration')),
    filed_on TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('upheld', 'corrected', 'other', 'pending')),
    result_on TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_cases_app ON review_cases(application_id);
