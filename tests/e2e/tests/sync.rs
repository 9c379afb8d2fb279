//! Sync as a clerk and a town officer live it, in headless Chromium against
//! the real server binary: enrol (a wrong village's code first), sync, lose
//! the server, hand the report over as a file and as QR codes read by a
//! browser camera, and a revoked tablet told why.

use fantoccini::Locator;
use jianzheng_core::catalogue::Catalogue;
use jianzheng_core::ledger::{AgencyCategory, Outcome, Period};
use jianzheng_core::sync::{
    display_code, encode, normalize_code, public_key, split_for_qr, Cell, CountsPayload,
    PeriodReport,
};
use jianzheng_e2e::{
    dist_dir, enrolling_tablet, grey, scan_qr, Browser, Network, Options, ServerProcess,
};
use jianzheng_server::storage::{DeviceId, Enrol, Storage};
use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};
use std::path::{Path, PathBuf};
use std::time::Duration;

async fn issued(data_dir: &Path, period: Period) -> u64 {
    let storage = Storage::open_in(data_dir).await.unwrap();
    let totals = storage.village_totals("140105001", period).await.unwrap();
    totals.get(&Outcome::Issued).copied().unwrap_or(0)
}

/// Waits for a file ending in `ext` to appear in `dir`, fully written.
async fn downloaded(dir: &Path, ext: &str) -> PathBuf {
    for _ in 0..100 {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == ext));
        if let Some(path) = found {
            return path;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no .{ext} file was downloaded to {}", dir.display());
}

/// A Y4M video (what Chromium's fake camera plays, looped) showing each
/// image in turn for `frames` frames, centred on white.
fn y4m(images: &[(usize, usize, Vec<u8>)], frames: usize) -> Vec<u8> {
    let side = images.iter().map(|(w, h, _)| (*w).max(*h)).max().unwrap() + 40;
    let side = side + side % 2;
    let mut video = format!("YUV4MPEG2 W{side} H{side} F4:1 Ip A1:1 C420jpeg\n").into_bytes();
    for (w, h, luma) in images {
        let (ox, oy) = ((side - w) / 2, (side - h) / 2);
        let mut y_plane = vec![255u8; side * side];
        for y in 0..*h {
            y_plane[(oy + y) * side + ox..][..*w].copy_from_slice(&luma[y * w..][..*w]);
        }
        for _ in 0..frames {
            video.extend_from_slice(b"FRAME\n");
            video.extend_from_slice(&y_plane);
            video.extend(std::iter::repeat_n(128u8, side * side / 2));
        }
    }
    video
}

#[tokio::test]
async fn a_tablet_enrols_syncs_and_hands_its_report_over_by_file_and_qr_codes() {
    let server = ServerProcess::start(&dist_dir()).await;
    let downloads = tempfile::TempDir::new().unwrap();
    let tablet = Browser::start_with_options(&Options {
        downloads: Some(downloads.path().to_path_buf()),
        ..Options::default()
    })
    .await;
    let c = &tablet.client;
    c.set_window_size(1280, 800).await.unwrap();
    c.goto(&format!("{}/clerk", server.url)).await.unwrap();
    tablet.fill("setup-village", "140105001").await;
    tablet.fill("setup-device", "T1").await;
    tablet.click("#setup-save").await;
    tablet.record("入党政审", "A02", "issue").await;
    tablet.record("wfzjl", "N05", "refuse").await;
    let now = tablet.eval("new Date().toISOString()").await;
    let period = Period::from_iso(now.as_str().unwrap()).unwrap();

    // A code the town made for the neighbouring village is refused.
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.wait_for_text("#enrol-state", "尚未登记").await;
    let wrong = server.enrolment_code("140105002");
    tablet.fill("enrol-code", &wrong).await;
    tablet.click("#enrol-submit").await;
    tablet.wait_for_text("#enrol-message", "不是本村").await;

    // The right code, typed as a person reads it off paper: enrolled, synced.
    let code = server.enrolment_code("140105001");
    tablet
        .fill("enrol-code", &display_code(&code).to_lowercase())
        .await;
    tablet.click("#enrol-submit").await;
    tablet.wait_for_text("#enrol-message", "已登记").await;
    tablet
        .wait_for_text("#sync-result", &period.to_string())
        .await;
    tablet.wait_for_text("#sync-last", "上次成功同步").await;
    tablet.wait_for_text("#unsynced", "0").await;
    tablet.screenshot("sync-done").await;
    assert_eq!(issued(server.data_dir(), period).await, 1);

    // The server goes away: records go on, sync says why and keeps trying.
    let data = server.kill().await;
    tablet.record("入党政审", "A02", "issue").await;
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.click("#sync-now").await;
    let error = tablet.wait_for_text("#sync-error", "无法连接").await;
    assert!(error.contains("自动重试"), "{error}");
    tablet.screenshot("sync-unreachable").await;

    // No network: a report file, imported at the town's office.
    tablet.click("#bundle-export").await;
    let file = downloaded(downloads.path(), "jzc").await;
    let town_server = ServerProcess::start_with_data(&dist_dir(), data).await;
    assert_eq!(issued(town_server.data_dir(), period).await, 1);
    let town = Browser::start().await;
    town.client
        .goto(&format!("{}/town/import", town_server.url))
        .await
        .unwrap();
    let input = town
        .client
        .wait()
        .for_element(Locator::Id("import-file"))
        .await
        .unwrap();
    // A file that is not a report is refused and changes nothing.
    let garbage = downloads.path().join("garbage.bin");
    std::fs::write(&garbage, b"not a report at all").unwrap();
    input.send_keys(garbage.to_str().unwrap()).await.unwrap();
    town.wait_for_text("#import-result", "不是平板导出的上报文件")
        .await;
    assert_eq!(issued(town_server.data_dir(), period).await, 1);
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    // It says which village and months it changed.
    let said = town.wait_for_text("#import-result", "已导入：村").await;
    assert!(
        said.contains("140105001") && said.contains(&period.to_string()),
        "{said}"
    );
    assert_eq!(issued(town_server.data_dir(), period).await, 2);
    town.close().await;

    // One more certificate, then the report as QR codes on the tablet's
    // screen, read from screenshots and played to a browser camera.
    tablet.record("入党政审", "A02", "issue").await;
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.click("#bundle-qr").await;
    let count = tablet.wait_for_text("#bundle-qr-count", " / ").await;
    let n: usize = count.split(" / ").nth(1).unwrap().trim().parse().unwrap();
    let mut images = Vec::new();
    let mut texts = Vec::new();
    for i in 1..=n {
        tablet
            .wait_for_text("#bundle-qr-count", &format!("{i} / {n}"))
            .await;
        let shot = c
            .find(Locator::Id("bundle-qr-code"))
            .await
            .unwrap()
            .screenshot()
            .await
            .unwrap();
        let image = grey(&shot);
        let read = scan_qr(image.0, image.1, &image.2);
        assert_eq!(
            read.len(),
            1,
            "code {i} of {n} reads back from its screenshot"
        );
        texts.push(read[0].clone());
        images.push(image);
    }
    tablet.screenshot("sync-qr").await;
    assert!(texts.iter().all(|t| t.starts_with("JZ1:")));
    let video_dir = tempfile::TempDir::new().unwrap();
    let video = video_dir.path().join("codes.y4m");
    std::fs::write(&video, y4m(&images, 8)).unwrap();
    let camera = Browser::start_with_options(&Options {
        camera_video: Some(video),
        ..Options::default()
    })
    .await;
    camera
        .client
        .goto(&format!("{}/town/import", town_server.url))
        .await
        .unwrap();
    camera.click("#import-scan").await;
    camera.wait_for_text("#import-result", "已导入").await;
    camera.screenshot("town-import-scanned").await;
    assert_eq!(issued(town_server.data_dir(), period).await, 3);
    camera.close().await;

    tablet.close().await;
    town_server.kill().await;
}

#[tokio::test]
async fn a_revoked_tablet_is_told_why_and_does_not_retry() {
    let server = ServerProcess::start(&dist_dir()).await;
    let code = server.enrolment_code("140105001");
    let tablet = enrolling_tablet(&server, "140105001", "T2", None, &code).await;
    tablet.wait_for_text("#sync-last", "上次成功同步").await;

    // The town publishes a new version of the allowed list: the next sync
    // takes it, and a record made afterwards carries that version.
    let storage = Storage::open_in(server.data_dir()).await.unwrap();
    let mut allowed = Catalogue::default_lists()
        .lists()
        .iter()
        .find(|l| l.entries.iter().any(|e| e.code == "A02"))
        .unwrap()
        .clone();
    allowed.version = "2099.1".into();
    allowed.published = "2099-01-01".into();
    let whole_server = jianzheng_core::catalogue::Placed {
        area: None,
        list: allowed.clone(),
    };
    storage.publish_list(&whole_server).await.unwrap();
    tablet.click("#sync-now").await;
    tablet
        .wait_for_text("#sync-result", &format!("{}@2099.1", allowed.id))
        .await;
    tablet.record("入党政审", "A02", "issue").await;
    let versions = tablet
        .eval(
            "new Promise(done => { const open = indexedDB.open('jianzheng'); open.onsuccess = () => {
                const all = open.result.transaction('events').objectStore('events').getAll();
                all.onsuccess = () => { done(all.result.map(e => e.item.list_version).join(',')); open.result.close(); };
            }; })",
        )
        .await;
    assert_eq!(versions.as_str(), Some("2099.1"), "{versions}");

    let devices = storage.devices("140105001", 14).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].ledger, "T2");
    assert!(storage
        .revoke(&devices[0].key.0, devices[0].incarnation)
        .await
        .unwrap()
        .is_some());
    tablet.record("入党政审", "A02", "issue").await;
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.click("#sync-now").await;
    let error = tablet.wait_for_text("#sync-error", "停用").await;
    assert!(!error.contains("自动重试"), "{error}");
    tablet.wait_for_text("#unsynced", "2").await; // nothing acknowledged since
    tablet.screenshot("sync-revoked").await;
    tablet.close().await;
    server.kill().await;
}

/// A busy village's year: 12 months of 14 items for two agencies.
fn busy_year(secret: &[u8; 32]) -> CountsPayload {
    let items = [
        "A01", "A02", "A03", "A04", "A05", "R01", "R02", "N01", "N02", "N05", "N08", "N10", "N11",
        "N20",
    ];
    CountsPayload {
        village: "140105001".into(),
        device_key: public_key(secret),
        incarnation: 1,
        ledger: "T9".into(),
        created_at: "2026-12-31T10:00:00Z".into(),
        periods: (1..=12)
            .map(|month| PeriodReport {
                period: Period { year: 2026, month },
                closed: true,
                cells: items
                    .iter()
                    .enumerate()
                    .flat_map(|(i, item)| {
                        [AgencyCategory::Bank, AgencyCategory::School]
                            .into_iter()
                            .map(move |agency| Cell {
                                item: (*item).into(),
                                outcome: Outcome::Issued,
                                agency,
                                count: 1 + (i as u64 + u64::from(month)) % 9,
                            })
                    })
                    .collect(),
            })
            .collect(),
        voided: Vec::new(),
    }
}

#[tokio::test]
async fn a_year_in_several_codes_is_scanned_in_by_the_camera_in_any_order() {
    let server = ServerProcess::start(&dist_dir()).await;
    let secret = [9u8; 32];
    let storage = Storage::open_in(server.data_dir()).await.unwrap();
    let code = normalize_code(&server.enrolment_code("140105001")).unwrap();
    let key = public_key(&secret);
    let device = DeviceId {
        key: &key,
        incarnation: 1,
        village: "140105001",
        ledger: "T9",
    };
    assert_eq!(
        storage.enrol(&code, &device, None).await.unwrap(),
        Enrol::Enrolled
    );
    let payload = busy_year(&secret);
    let pieces = split_for_qr(&encode(&payload, &secret), 970);
    assert!((2..=3).contains(&pieces.len()), "{} codes", pieces.len());
    // Real images of version-20 codes, shown last to first.
    let images: Vec<_> = pieces
        .iter()
        .rev()
        .map(|piece| {
            let mut bits = Bits::new(Version::Normal(20));
            bits.push_alphanumeric_data(piece.as_bytes()).unwrap();
            bits.push_terminator(EcLevel::M).unwrap();
            let image = QrCode::with_bits(bits, EcLevel::M)
                .unwrap()
                .render::<image::Luma<u8>>()
                .module_dimensions(4, 4)
                .build();
            let (w, h) = (image.width() as usize, image.height() as usize);
            (w, h, image.into_raw())
        })
        .collect();
    let video_dir = tempfile::TempDir::new().unwrap();
    let video = video_dir.path().join("year.y4m");
    std::fs::write(&video, y4m(&images, 8)).unwrap();
    let camera = Browser::start_with_options(&Options {
        camera_video: Some(video),
        ..Options::default()
    })
    .await;
    camera
        .client
        .goto(&format!("{}/town/import", server.url))
        .await
        .unwrap();
    camera.click("#import-scan").await;
    camera
        .wait_for_text("#import-scanned", &format!(" / {}", pieces.len()))
        .await;
    camera.wait_for_text("#import-result", "已导入").await;
    let march = Period {
        year: 2026,
        month: 3,
    };
    let expected: u64 = payload.periods[2].cells.iter().map(|c| c.count).sum();
    assert_eq!(issued(server.data_dir(), march).await, expected);
    camera.close().await;
    server.kill().await;
}

/// A fresh tablet set up as `label` of 140105001, `code` in its enrolment form.
async fn enrol_tablet(server: &ServerProcess, label: &str, code: &str) -> Browser {
    enrolling_tablet(server, "140105001", label, None, code).await
}

/// Two tablets set up with the same label would be merged by maximum, not
/// summed: the second is refused and told why, until it takes another
/// label; a replacement tablet continues a ledger with a code that says so.
#[tokio::test]
async fn a_second_tablet_under_the_same_label_is_refused_until_it_takes_its_own() {
    let server = ServerProcess::start(&dist_dir()).await;
    let first = enrol_tablet(&server, "T1", &server.enrolment_code("140105001")).await;
    first.wait_for_text("#enrol-message", "已登记").await;
    let second = enrol_tablet(&server, "T1", &server.enrolment_code("140105001")).await;
    second.wait_for_text("#enrol-message", "标签").await;
    second.screenshot("enrol-ledger-taken").await;
    second.close().await;
    // A tablet set up as T2 enrols.
    let third = enrol_tablet(&server, "T2", &server.enrolment_code("140105001")).await;
    third.wait_for_text("#enrol-message", "已登记").await;
    third.close().await;
    // T1's replacement, with a code that continues T1.
    let continuing = server.enrolment_code_continuing("140105001", "T1");
    let replacement = enrol_tablet(&server, "T1", &continuing).await;
    replacement.wait_for_text("#enrol-message", "已登记").await;
    replacement.close().await;
    first.close().await;
    let storage = Storage::open_in(server.data_dir()).await.unwrap();
    let devices = storage.devices("140105001", 14).await.unwrap();
    let t1: Vec<bool> = devices
        .iter()
        .filter(|d| d.ledger == "T1")
        .map(|d| d.retired)
        .collect();
    assert_eq!(
        t1,
        vec![true, false],
        "the first T1 is retired by its replacement"
    );
    server.kill().await;
}

#[tokio::test]
async fn a_record_saved_while_an_upload_is_on_its_way_reaches_the_town_with_the_next_sync() {
    let server = ServerProcess::start(&dist_dir()).await;
    let code = server.enrolment_code("140105001");
    let tablet = enrolling_tablet(&server, "140105001", "T1", None, &code).await;
    tablet.wait_for_text("#enrol-message", "已登记").await;
    tablet.wait_for_text("#unsynced", "0").await;
    let now = tablet.eval("new Date().toISOString()").await;
    let period = Period::from_iso(now.as_str().unwrap()).unwrap();
    tablet.record("入党政审", "A02", "issue").await;
    // A slow line: the upload is on its way for seconds.
    tablet
        .emulate_network(&Network {
            latency_ms: 3_000,
            ..Network::UNTHROTTLED
        })
        .await;
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.click("#sync-now").await;
    // Meanwhile the clerk records another request.
    tablet.record("入党政审", "A02", "issue").await;
    for _ in 0..200 {
        if issued(server.data_dir(), period).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        issued(server.data_dir(), period).await,
        1,
        "the first upload"
    );
    // The upload carried one; the second is still to send, and is sent.
    tablet.eval("window.scrollTo(0, 0)").await;
    tablet.click("#tab-sync").await;
    tablet.wait_for_text("#unsynced", "1").await;
    tablet.emulate_network(&Network::UNTHROTTLED).await;
    tablet
        .wait_until("!document.querySelector('#sync-now[disabled]')")
        .await;
    tablet.click("#sync-now").await;
    tablet.wait_for_text("#unsynced", "0").await;
    for _ in 0..100 {
        if issued(server.data_dir(), period).await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        issued(server.data_dir(), period).await,
        2,
        "the town counts both"
    );
}
