//! The printed certificate code as the tablet prints it: one alphanumeric
//! QR segment at level M (as the app draws it), of a long but real
//! certificate, in a version that prints small, and read back from a real
//! image. Prints `certificate_qr_version` and `certificate_code_chars` for
//! scripts/bench, and what one holder hash costs a guesser.

use jianzheng_core::certificate::{
    holder_hash, verify, CertificateClaims, HolderScheme, IssueDate, SignedCode, TrustDevice,
    TrustIndex, TrustList, Verdict,
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
            numbered: None,
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

/// The median time of `runs` calls of `work`, in seconds.
fn median_seconds(runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = std::time::Instant::now();
            work();
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

#[test]
fn what_one_guess_of_an_id_number_costs() {
    // Whoever holds a paper knows the name, the check code and the
    // village's region: the ID number's birth date (about 36,500 days)
    // and sequence (1,000) are what is left to guess, about 3.7e7.
    const GUESSES_PER_ID: f64 = 3.7e7;
    let v2 = median_seconds(9, || {
        std::hint::black_box(holder_hash("ABCD2345", "张三", "14010519900101123X"));
    });
    let v1 = median_seconds(2_001, || {
        std::hint::black_box(HolderScheme::Sha256.hash("ABCD2345", "张三", "14010519900101123X"));
    });
    println!("certificate_holder_hash_native_ms: {:.1} ms", v2 * 1e3);
    println!("certificate_holder_hash_v1_native_us: {:.2} us", v1 * 1e6);
    println!(
        "certificate_bruteforce_per_id_cpu_hours: {:.0} h",
        GUESSES_PER_ID * v2 / 3600.0
    );
    println!(
        "certificate_bruteforce_per_id_v1_cpu_seconds: {:.0} s",
        GUESSES_PER_ID * v1
    );
    // The same paper, typed as people type it, is the same hash.
    assert_eq!(
        holder_hash("abcd-2345", "张 三", "14010519900101123x"),
        holder_hash("ABCD2345", "张三", "14010519900101123X")
    );
}
