//! The size of real payloads, and the QR path with real images: a full
//! year of a busy village in at most three version-20 codes that scan back.
//! Prints `payload_month_bytes` and `payload_year_qr_codes` for scripts/bench.

use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{
    decode, encode, join_qr_chunks, public_key, split_for_qr, Cell, CountsPayload, PeriodReport,
};

const SECRET: [u8; 32] = [7; 32];

/// A busy village month: every shipped item, three outcomes, a few agencies.
fn typical_year(months: u8) -> CountsPayload {
    let codes = [
        "A01", "A02", "A03", "A04", "A05", "R01", "R02", "N01", "N02", "N05", "N08", "N10", "N11",
        "N20",
    ];
    let agencies = [
        AgencyCategory::Bank,
        AgencyCategory::School,
        AgencyCategory::Police,
        AgencyCategory::Employer,
    ];
    let periods = (1..=months)
        .map(|month| PeriodReport {
            period: Period { year: 2026, month },
            closed: true,
            cells: codes
                .iter()
                .enumerate()
                .flat_map(|(i, code)| {
                    let outcome = if code.starts_with('N') {
                        Outcome::RefusedRedirected
                    } else {
                        Outcome::Issued
                    };
                    agencies.iter().take(1 + i % 2).map(move |&agency| Cell {
                        item: (*code).to_owned(),
                        outcome,
                        agency,
                        count: 1 + (i as u64 * 7 + u64::from(month)) % 20,
                    })
                })
                .chain(std::iter::once(Cell {
                    item: "free:收入证明".into(),
                    outcome: Outcome::IssuedUnlisted,
                    agency: AgencyCategory::Bank,
                    count: 2,
                }))
                .collect(),
        })
        .collect();
    CountsPayload {
        village: "140105001".into(),
        device_key: public_key(&SECRET),
        incarnation: 1,
        ledger: "T1".into(),
        created_at: "2026-12-31T10:00:00Z".into(),
        periods,
        voided: Vec::new(),
    }
}

#[test]
fn a_typical_month_is_small() {
    let bytes = encode(&typical_year(1), &SECRET);
    println!("payload_month_bytes: {} B", bytes.len());
    assert!(bytes.len() < 1024, "{} bytes", bytes.len());
}

/// Alphanumeric characters a version-20, level-M QR code holds.
const QR_V20_M_CHARS: usize = 970;

#[test]
fn a_full_year_fits_in_three_version_20_codes_that_scan_back_from_real_images() {
    use qrcode::{bits::Bits, EcLevel, QrCode, Version};
    let bytes = encode(&typical_year(12), &SECRET);
    println!("payload_year_bytes: {} B", bytes.len());
    let pieces = split_for_qr(&bytes, QR_V20_M_CHARS);
    println!("payload_year_qr_codes: {} codes", pieces.len());
    assert!(
        pieces.len() <= 3,
        "{} codes for {} bytes",
        pieces.len(),
        bytes.len()
    );
    let mut scanned = Vec::new();
    for piece in &pieces {
        // One alphanumeric segment, as the app draws it: the segment
        // optimiser's mixed segments can cost more bits near capacity.
        let mut bits = Bits::new(Version::Normal(20));
        bits.push_alphanumeric_data(piece.as_bytes())
            .expect("base45 is alphanumeric");
        bits.push_terminator(EcLevel::M).expect("fits version 20-M");
        let code = QrCode::with_bits(bits, EcLevel::M).expect("fits version 20-M");
        let image = code
            .render::<image::Luma<u8>>()
            .module_dimensions(4, 4)
            .build();
        let (w, h) = (image.width() as usize, image.height() as usize);
        let mut decoder = quircs::Quirc::default();
        let codes: Vec<_> = decoder.identify(w, h, image.as_raw()).collect();
        assert_eq!(codes.len(), 1);
        let data = codes[0].as_ref().expect("found").decode().expect("decodes");
        scanned.push(String::from_utf8(data.payload).expect("base45 text"));
    }
    scanned.reverse();
    let joined = join_qr_chunks(&scanned).unwrap();
    assert_eq!(decode(&joined).unwrap().payload, typical_year(12));
}
