//! The printed certificate code as the tablet prints it: one alphanumeric
//! QR segment at level M (as the app draws it), of a long but real
//! certificate, in a version that prints small, and read back from a real
//! image. Prints `certificate_qr_version` and `certificate_code_chars` for
//! scripts/bench.

use jianzheng_core::certificate::{
    holder_hash, verify, CertificateClaims, IssueDate, SignedCode, TrustDevice, TrustIndex,
    TrustList, Verdict,
};
use jianzheng_core::ledger::CertificateNumber;
use jianzheng_core::sync::public_key;
use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

const SECRET: [u8; 32] = [5; 32];

#[test]
fn the_longest_real_certificate_code_is_a_small_qr_code_that_reads_back() {
    // A 12-digit village code, a three-character ledger, a five-digit
    // sequence, the longest entry code and list version the shipped lists
    // and a town's dated versions use.
    let claims = CertificateClaims {
        number: CertificateNumber {
            village: "140105001001".into(),
            year: 2026,
            device: "T12".into(),
            sequence: 12_345,
        },
        item: "A05".into(),
        list_version: "2026-11-20.12".into(),
        date: IssueDate {
            year: 2026,
            month: 12,
            day: 31,
        },
        holder: holder_hash("ABCD2345", "欧阳·买买提", "14010519900101123X"),
    };
    let code = SignedCode::sign(&claims, &SECRET);
    let (version, qr) = (1..=40)
        .find_map(|v| {
            let mut bits = Bits::new(Version::Normal(v));
            bits.push_alphanumeric_data(code.as_bytes()).ok()?;
            bits.push_terminator(EcLevel::M).ok()?;
            QrCode::with_bits(bits, EcLevel::M).ok().map(|qr| (v, qr))
        })
        .expect("the code fits a QR code");
    println!("certificate_qr_version: {version}");
    println!("certificate_code_chars: {}", code.len());
    assert!(version <= 10, "version {version}");

    let image = qr
        .render::<image::Luma<u8>>()
        .module_dimensions(4, 4)
        .build();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut decoder = quircs::Quirc::default();
    let code = decoder
        .identify(w, h, image.as_raw())
        .next()
        .expect("one code");
    let data = code.expect("found").decode().expect("the code reads back");
    let text = String::from_utf8(data.payload).expect("text");
    let trust = TrustIndex::new(TrustList {
        issued_at: "2026-12-31T08:00:00Z".into(),
        devices: vec![TrustDevice {
            key: public_key(&SECRET),
            village: "140105001001".into(),
            ledger: "T12".into(),
            valid_from: IssueDate {
                year: 2026,
                month: 1,
                day: 1,
            },
            revoked_at: None,
            numbered: vec![],
        }],
        voided: vec![],
    });
    let answer = verify(
        &text,
        "abcd-2345",
        "欧阳•买买提",
        "14010519900101123x",
        &trust,
    )
    .unwrap();
    assert_eq!(answer.verdict, Verdict::Genuine);
}
