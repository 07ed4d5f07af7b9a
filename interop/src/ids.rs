//! Stable FHIR ids from medsched's ids.

use chrono::{DateTime, Utc};

/// A FHIR id (`[A-Za-z0-9\-\.]{1,64}`) for the parts of a key, joined by `.`: the key itself
/// when it is one (and no part of several holds a `.`), else `h-` and the 64-bit FNV-1a hash of the parts in hex. The same parts
/// always give the same id.
pub(crate) fn fhir_id(parts: &[&str]) -> String {
    let joined = parts.join(".");
    let valid = !joined.is_empty()
        && joined.len() <= 64
        && parts
            .iter()
            .all(|p| !p.is_empty() && (parts.len() == 1 || !p.contains('.')))
        && joined
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if valid {
        return joined;
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash = (hash ^ 0x1f).wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("h-{hash:016x}")
}

/// An instant as a compact UTC key part, e.g. `20260302T033000Z`.
pub(crate) fn instant_key(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_keys_are_kept_and_others_hashed_stably() {
        assert_eq!(fhir_id(&["dr-asha", "kochi"]), "dr-asha.kochi");
        let odd = fhir_id(&["dr asha", "kochi"]);
        assert!(odd.starts_with("h-") && odd.len() == 18, "{odd}");
        assert_eq!(odd, fhir_id(&["dr asha", "kochi"]));
        assert_ne!(fhir_id(&["a.b", "c"]), fhir_id(&["a", "b.c"]));
        assert_eq!(fhir_id(&["a.b"]), "a.b");
        assert!(fhir_id(&[&"x".repeat(65)]).starts_with("h-"));
        assert!(fhir_id(&["a", ""]).starts_with("h-"));
    }
}
