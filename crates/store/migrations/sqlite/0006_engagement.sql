-- Engagement (解读 forms, 调查征集, 在线访谈, the message box) and supervision (new media,
-- inspections, 通报 and 整改, training, assessment, government-service figures).
ALTER TABLE publications ADD COLUMN media_form TEXT NOT NULL DEFAULT '';

CREATE TABLE consultations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    draft TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    feedback TEXT NOT NULL DEFAULT '',
    feedback_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX consultations_unit ON consultations(unit_id, opens_on);

-- Public contributions: opinions on a consultation, questions for an interview, messages to
-- the message box. Shown only after moderation; contact details are never shown.
CREATE TABLE contributions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('opinion', 'question', 'message')),
    target_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    subject TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reply TEXT NOT NULL DEFAULT '',
    replied_on TEXT,
    received_on TEXT NOT NULL,
    token TEXT UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX contributions_target ON contributions(kind, target_id, status);
CREATE INDEX contributions_unit ON contributions(unit_id, kind, received_on);

CREATE TABLE interviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    scheduled_on TEXT NOT NULL,
    guests TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    transcript TEXT NOT NULL DEFAULT '',
    video_url TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX interviews_unit ON interviews(unit_id, scheduled_on);

CREATE TABLE media_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    platform TEXT NOT NULL,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'closed')),
    created_at TEXT NOT NULL
);

CREATE TABLE media_filings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES media_accounts(id),
    kind TEXT NOT NULL CHECK (kind IN ('open', 'change', 'suspend', 'close')),
    on_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL
);
CREATE INDEX media_filings_account ON media_filings(account_id, on_date);

CREATE TABLE media_posts (
    account_id INTEGER NOT NULL REFERENCES media_accounts(id),
    month TEXT NOT NULL,
    posts INTEGER NOT NULL CHECK (posts >= 0),
    last_post_on TEXT,
    PRIMARY KEY (account_id, month)
);

CREATE TABLE inspection_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    as_of TEXT NOT NULL,
    actor TEXT NOT NULL,
    findings INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE inspection_findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES inspection_runs(id),
    unit_id INTEGER REFERENCES units(id),
    rule TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX inspection_findings_run ON inspection_findings(run_id, unit_id);

CREATE TABLE inspection_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    run_id INTEGER REFERENCES inspection_runs(id),
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE rectifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id INTEGER NOT NULL REFERENCES inspection_notices(id),
    finding_id INTEGER REFERENCES inspection_findings(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    problem TEXT NOT NULL,
    deadline TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('open', 'submitted', 'closed')),
    closed_on TEXT,
    closed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rectifications_notice ON rectifications(notice_id, unit_id);

CREATE TABLE trainings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    held_on TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('district', 'city', 'province')),
    topic TEXT NOT NULL,
    attendance INTEGER NOT NULL CHECK (attendance >= 0),
    actor TEXT NOT NULL
);

CREATE TABLE assessments (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    score INTEGER NOT NULL,
    disclosure_score INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE service_counts (
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('services', 'one_visit', 'public_services', 'online')),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    source TEXT NOT NULL,
    PRIMARY KEY (year, kind)
);
