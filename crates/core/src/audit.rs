//! The audit ledger's hash chain: every change of state (who, when, what, before → after) is one
//! entry, and each entry's hash covers the previous entry's hash, so editing or deleting any entry
//! breaks every hash after it.

use sha2::{Digest, Sha256};

/// The hash of the (empty) chain before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that its hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub seq: i64,
    /// RFC 3339 time of the change, UTC.
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub before: &'a str,
    pub after: &'a str,
    pub prev_hash: &'a str,
}

/// SHA-256 over the length-prefixed fields, hex encoded.
pub fn entry_hash(f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    let seq = f.seq.to_string();
    for part in [
        seq.as_str(),
        f.at,
        f.actor,
        f.action,
        f.entity,
        f.before,
        f.after,
        f.prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Why an entry fails verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tamper {
    /// The sequence has a gap or reorder: an entry was removed or inserted.
    Sequence { expected: i64, found: i64 },
    /// The entry does not point at the previous entry's hash.
    Link,
    /// The entry's content no longer matches its hash.
    Content,
}

/// Check one entry against the previous entry's sequence number and hash.
pub fn check_entry(
    f: &AuditFields<'_>,
    stored_hash: &str,
    prev_seq: i64,
    prev_hash: &str,
) -> Result<(), Tamper> {
    if f.seq != prev_seq + 1 {
        return Err(Tamper::Sequence {
            expected: prev_seq + 1,
            found: f.seq,
        });
    }
    if f.prev_hash != prev_hash {
        return Err(Tamper::Link);
    }
    if entry_hash(f) != stored_hash {
        return Err(Tamper::Content);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(seq: i64, after: &'a str, prev: &'a str) -> AuditFields<'a> {
        AuditFields {
            seq,
            at: "2026-11-26T00:00:00Z",
            actor: "admin",
            action: "unit.update",
            entity: "unit:py",
            before: "{}",
            after,
            prev_hash: prev,
        }
    }

    #[test]
    fn chain_detects_changes() {
        let a = fields(1, "{\"name\":\"a\"}", GENESIS);
        let ha = entry_hash(&a);
        let b = fields(2, "{\"name\":\"b\"}", &ha);
        let hb = entry_hash(&b);
        assert_eq!(check_entry(&a, &ha, 0, GENESIS), Ok(()));
        assert_eq!(check_entry(&b, &hb, 1, &ha), Ok(()));
        let edited = fields(2, "{\"name\":\"c\"}", &ha);
        assert_eq!(check_entry(&edited, &hb, 1, &ha), Err(Tamper::Content));
        assert_eq!(
            check_entry(&b, &hb, 0, GENESIS),
            Err(Tamper::Sequence {
                expected: 1,
                found: 2
            })
        );
        // Length prefixes: moving a character between fields changes the hash.
        let mut x = fields(1, "ab", GENESIS);
        x.before = "{}a";
        let mut y = fields(1, "b", GENESIS);
        y.before = "{}ab";
        assert_ne!(entry_hash(&x), entry_hash(&y));
    }
}
