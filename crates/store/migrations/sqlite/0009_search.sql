-- Search: the index follows the store by each item's last change.
CREATE INDEX publications_updated ON publications (updated_at, id);
