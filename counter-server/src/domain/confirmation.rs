//! The applicant confirms the verified data and signs it (policy 6.4): what is confirmed, how it
//! is fingerprinted, what a signature must hold, and when a confirmation still counts. Pure: the
//! data and the strokes are arguments.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One document as the applicant sees it confirmed: its name and what the desk recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedDocument {
    pub name_ar: String,
    pub name_en: String,
    pub valid: bool,
    pub expires_on: Option<String>,
    pub reference: Option<String>,
}

/// Exactly what the applicant is asked to confirm, in a fixed order, so that the same data always
/// gives the same text and hash. Held only as personal data of the visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedData {
    pub service_ar: String,
    pub service_en: String,
    pub name: Option<String>,
    pub national_id: Option<String>,
    pub mobile: Option<String>,
    pub documents: Vec<ConfirmedDocument>,
    pub declaration_version: String,
}

impl ConfirmedData {
    /// The canonical text stored and shown (serde writes the fields in declaration order).
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).expect("plain strings and booleans serialize")
    }

    /// SHA-256 of the canonical text, lowercase hex: what the applicant's screen sends back to
    /// say which data it showed, and what the printed form carries.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.canonical())
    }
}

/// SHA-256 of a canonical text, lowercase hex.
pub fn fingerprint(canonical: &str) -> String {
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signature drawn with a finger: strokes of points `[x, y, t]` on a pad `width` × `height`
/// (pixels of the pad, `t` milliseconds from the first touch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub width: u32,
    pub height: u32,
    pub strokes: Vec<Vec<[u32; 3]>>,
}

/// The bounds that keep a signature a signature (and a request small).
pub const MAX_STROKES: usize = 64;
pub const MAX_POINTS: usize = 8_000;
pub const MAX_PAD: u32 = 4_000;
/// Less ink than this (summed stroke length, in pad pixels) is a tap, not a signature.
pub const MIN_INK: f64 = 40.0;

/// Why a signature is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureProblem {
    /// No stroke, or too little ink to be a signature.
    Empty,
    /// Too many strokes or points, a pad too big, or a point off the pad.
    Malformed,
}

/// Checks a signature: on its pad, within the bounds, with enough ink.
pub fn check_signature(s: &Signature) -> Result<(), SignatureProblem> {
    let points: usize = s.strokes.iter().map(Vec::len).sum();
    if s.width == 0 || s.height == 0 || s.width > MAX_PAD || s.height > MAX_PAD {
        return Err(SignatureProblem::Malformed);
    }
    if s.strokes.len() > MAX_STROKES || points > MAX_POINTS {
        return Err(SignatureProblem::Malformed);
    }
    let on_pad = |p: &[u32; 3]| p[0] <= s.width && p[1] <= s.height;
    if !s.strokes.iter().flatten().all(on_pad) {
        return Err(SignatureProblem::Malformed);
    }
    if ink(s) < MIN_INK {
        return Err(SignatureProblem::Empty);
    }
    Ok(())
}

/// The summed length of the strokes, in pad pixels.
pub fn ink(s: &Signature) -> f64 {
    s.strokes
        .iter()
        .flat_map(|stroke| stroke.windows(2))
        .map(|w| {
            let dx = f64::from(w[1][0]) - f64::from(w[0][0]);
            let dy = f64::from(w[1][1]) - f64::from(w[0][1]);
            dx.hypot(dy)
        })
        .sum()
}

/// A confirmation counts for registration (policy 6.6) only while it confirms the visit's data
/// as it is now: a correction or a document recorded after it needs a new one.
pub fn still_confirms(confirmed_fingerprint: Option<&str>, current: &ConfirmedData) -> bool {
    confirmed_fingerprint == Some(current.fingerprint().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ConfirmedData {
        ConfirmedData {
            service_ar: "طلب دعم جديد".into(),
            service_en: "New support request".into(),
            name: Some("سارة".into()),
            national_id: Some("1000000008".into()),
            mobile: None,
            documents: vec![ConfirmedDocument {
                name_ar: "الهوية".into(),
                name_en: "ID".into(),
                valid: true,
                expires_on: Some("2030-01-01".into()),
                reference: None,
            }],
            declaration_version: "v1".into(),
        }
    }

    fn line(points: &[(u32, u32)]) -> Vec<[u32; 3]> {
        points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| [x, y, i as u32 * 10])
            .collect()
    }

    #[test]
    fn the_fingerprint_changes_with_any_field_and_only_then() {
        let base = data();
        assert_eq!(base.fingerprint(), data().fingerprint());
        assert_eq!(base.fingerprint().len(), 64);
        let mut corrected = data();
        corrected.name = Some("سارة أحمد".into());
        assert_ne!(corrected.fingerprint(), base.fingerprint());
        let mut expiry = data();
        expiry.documents[0].expires_on = Some("2030-01-02".into());
        assert_ne!(expiry.fingerprint(), base.fingerprint());
        let mut declaration = data();
        declaration.declaration_version = "v2".into();
        assert_ne!(declaration.fingerprint(), base.fingerprint());
    }

    #[test]
    fn a_confirmation_counts_only_for_the_data_it_confirmed() {
        let base = data();
        let confirmed = base.fingerprint();
        assert!(still_confirms(Some(&confirmed), &base));
        let mut corrected = data();
        corrected.mobile = Some("0500000000".into());
        assert!(!still_confirms(Some(&confirmed), &corrected));
        assert!(!still_confirms(None, &base));
    }

    #[test]
    fn a_signature_needs_ink_on_its_pad_within_bounds() {
        let pad = |strokes| Signature {
            width: 600,
            height: 200,
            strokes,
        };
        assert_eq!(check_signature(&pad(vec![])), Err(SignatureProblem::Empty));
        assert_eq!(
            check_signature(&pad(vec![line(&[(10, 10), (12, 11)])])),
            Err(SignatureProblem::Empty),
            "a tap is not a signature"
        );
        assert_eq!(
            check_signature(&pad(vec![line(&[(10, 10), (100, 80), (200, 20)])])),
            Ok(())
        );
        assert_eq!(
            check_signature(&pad(vec![line(&[(10, 10), (700, 80)])])),
            Err(SignatureProblem::Malformed),
            "a point off the pad"
        );
        let many = (0..=MAX_STROKES)
            .map(|_| line(&[(0, 0), (100, 100)]))
            .collect();
        assert_eq!(
            check_signature(&pad(many)),
            Err(SignatureProblem::Malformed)
        );
        let huge = Signature {
            width: MAX_PAD + 1,
            height: 10,
            strokes: vec![line(&[(0, 0), (100, 5)])],
        };
        assert_eq!(check_signature(&huge), Err(SignatureProblem::Malformed));
    }
}
