-- An application transferred (转送) to the responsible unit continues there as a new record
-- pointing at the one it came from.
ALTER TABLE applications ADD COLUMN transferred_from INTEGER REFERENCES applications(id);
