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

/// A signed statement of the ledger's head: it had `entries` entries, the last with hash
/// `head`, at `at` (RFC 3339). The chain alone proves only that it is a chain: whoever can write
/// the database can delete its tail or recompute every hash after an edit. A checkpoint signed
/// with a key kept outside the database, and kept outside it too, pins what the ledger held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub entries: i64,
    pub head: String,
    pub at: String,
    /// HMAC-SHA256 of the three fields above under the checkpoint key, hex.
    pub mac: String,
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn checkpoint_message(entries: i64, head: &str, at: &str) -> Vec<u8> {
    format!("gongkai-ledger-checkpoint\n{entries}\n{head}\n{at}").into_bytes()
}

impl Checkpoint {
    pub fn sign(key: &[u8], entries: i64, head: &str, at: &str) -> Checkpoint {
        Checkpoint {
            entries,
            head: head.to_string(),
            at: at.to_string(),
            mac: hex::encode(hmac_sha256(key, &checkpoint_message(entries, head, at))),
        }
    }

    /// Whether the checkpoint was signed with `key` as it reads (compared in constant time).
    pub fn is_genuine(&self, key: &[u8]) -> bool {
        let want = hmac_sha256(key, &checkpoint_message(self.entries, &self.head, &self.at));
        let Ok(got) = hex::decode(&self.mac) else {
            return false;
        };
        got.len() == want.len() && got.iter().zip(want).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
    }
}

/// How the ledger stands against its newest checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// It still holds the checkpoint's entries, unchanged.
    Holds,
    /// The checkpoint's signature does not match: it was not made with this key.
    Forged,
    /// Entries the checkpoint counted are gone: the tail was deleted.
    Truncated { had: i64, now: i64 },
    /// The entry the checkpoint pinned has another hash now: the chain was recomputed.
    Rewritten { entry: i64 },
}

/// Judge the ledger (`entries` entries now; `hash_at_checkpoint`: the hash of its entry number
/// `checkpoint.entries`, if it has one) against a checkpoint signed with `key`.
pub fn anchor(
    checkpoint: &Checkpoint,
    key: &[u8],
    entries: i64,
    hash_at_checkpoint: Option<&str>,
) -> Anchor {
    if !checkpoint.is_genuine(key) {
        return Anchor::Forged;
    }
    if entries < checkpoint.entries {
        return Anchor::Truncated {
            had: checkpoint.entries,
            now: entries,
        };
    }
    let pinned = if checkpoint.entries == 0 {
        Some(GENESIS)
    } else {
        hash_at_checkpoint
    };
    match pinned {
        Some(h) if h == checkpoint.head => Anchor::Holds,
        _ => Anchor::Rewritten {
            entry: checkpoint.entries,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_checkpoint_pins_the_head() {
        let key = b"0123456789abcdef0123456789abcdef";
        let cp = Checkpoint::sign(key, 100, "abc", "2026-12-03T00:00:00Z");
        assert_eq!(anchor(&cp, key, 120, Some("abc")), Anchor::Holds);
        assert_eq!(
            anchor(&cp, key, 0, None),
            Anchor::Truncated { had: 100, now: 0 }
        );
        assert_eq!(
            anchor(&cp, key, 100, Some("recomputed")),
            Anchor::Rewritten { entry: 100 }
        );
        assert_eq!(
            anchor(&cp, b"another key", 120, Some("abc")),
            Anchor::Forged
        );
        let mut moved = cp.clone();
        moved.entries = 90;
        assert_eq!(anchor(&moved, key, 120, Some("abc")), Anchor::Forged);
    }

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
