-- Search: the index follows the store by each item's last change.
CREATE INDEX publications_updated ON publications (updated_at, id);
-- The report finds each application's receipt through its events.
CREATE INDEX application_events_kind ON application_events (kind, application_id, on_date);
-- The report counts the year's items by genre (解读, 回应).
CREATE INDEX publications_genre ON publications (genre, status, published_on);
