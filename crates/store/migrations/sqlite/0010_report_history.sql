-- Annual reports published before gongkai ran, as the report reader read them: a unit's
-- history, for the carry-over check and the charts over the years.
CREATE TABLE report_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    format TEXT NOT NULL,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    actor TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (unit_id, year)
);
