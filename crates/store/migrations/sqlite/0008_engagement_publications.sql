-- Consultations and interviews are announced by a publication that goes through the review
-- workflow; the public sees them once it is published.
ALTER TABLE consultations ADD COLUMN publication_id INTEGER REFERENCES publications(id);
ALTER TABLE interviews ADD COLUMN publication_id INTEGER REFERENCES publications(id);
