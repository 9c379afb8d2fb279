//! `deploy/jianzheng.service` is a unit systemd accepts without a warning
//! (`systemd-analyze verify`, pointed at the binary this build made), and it
//! starts the server the way the README's "Running it for a town" says.

use std::process::Command;

const UNIT: &str = include_str!("../../../deploy/jianzheng.service");

#[test]
fn the_service_unit_verifies_and_runs_the_server_hardened_on_loopback() {
    for needed in [
        "--addr 127.0.0.1:8080",
        "--trusted-proxy 127.0.0.1",
        "--secure-cookies",
        "--backup-every 24h",
        "DynamicUser=yes",
        "StateDirectory=jianzheng",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/jianzheng",
        "NoNewPrivileges=yes",
    ] {
        assert!(UNIT.contains(needed), "the unit lacks {needed}");
    }
    assert!(
        !UNIT.contains("--dist"),
        "one file: the release binary serves the app built into it"
    );
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed: the unit's syntax is not checked here");
        return;
    };
    assert!(version.status.success());
    let dir = tempfile::TempDir::new().unwrap();
    let unit = dir.path().join("jianzheng.service");
    let here = UNIT.replace(
        "/usr/local/bin/jianzheng-server",
        env!("CARGO_BIN_EXE_jianzheng-server"),
    );
    std::fs::write(&unit, here).unwrap();
    let verified = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verified.stderr);
    assert!(
        verified.status.success() && said.trim().is_empty(),
        "{said}"
    );
}
