-- Annual reports: the prose the office writes (with placeholders bound to figures), and the
-- published versions, frozen: the open-data JSON, the rendered prose and the HTML page.
CREATE TABLE report_drafts (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    prose TEXT NOT NULL,
    actor TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE report_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    scope TEXT NOT NULL CHECK (scope IN ('district', 'unit')),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    sections TEXT NOT NULL,
    html TEXT NOT NULL,
    docx BLOB NOT NULL,
    pdf BLOB,
    note TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    published_at TEXT NOT NULL,
    UNIQUE (unit_id, scope, year, version)
);
