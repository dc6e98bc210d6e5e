//! The browser suite in `browser/` (Node's test runner driving Chromium through playwright-core,
//! with axe-core): the three journeys at a phone's and a desktop's width, with the pointer and
//! with the keyboard alone, and axe on every page — with data, empty and with errors shown.
//!
//! It needs Node, Chromium (`CHROMIUM`, else `chromium` on the PATH) and `npm ci` run in
//! `browser/`; `.ci/run` installs all three. Outside CI the test is skipped with the reason
//! when one of them is missing; under `CI=true` it fails. The app is the test build's binary,
//! or `BROWSER_APP_BIN` (CI points it at the release build).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli::{BIN, run, start_serve, text};
use crate::common::TestDb;

const PASSWORD: &str = "browser-suite-adgangskode";

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

/// Chromium, Node and the suite's packages, or why the suite cannot run.
fn requirements(suite: &Path) -> Result<PathBuf, String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| on_path("chromium"))
        .ok_or("no Chromium: install the `chromium` package or set CHROMIUM")?;
    on_path("node").ok_or("no Node.js: install the `nodejs` package")?;
    if !suite.join("node_modules/playwright-core").is_dir()
        || !suite.join("node_modules/axe-core").is_dir()
    {
        return Err("the suite's packages are missing: run `npm ci` in browser/".into());
    }
    Ok(chromium)
}

#[test]
fn journeys_and_every_page_pass_in_chromium() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    let chromium = match requirements(&suite) {
        Ok(chromium) => chromium,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but the browser suite cannot run: {why}")
        }
        Err(why) => {
            eprintln!("skipped: the browser suite needs a browser ({why})");
            return;
        }
    };

    // The demo jobcenter with its staff and data, and a second jobcenter with nothing yet; the
    // two are invited to a cluster.
    let db = TestDb::new();
    let password = format!("{PASSWORD}\n");
    let seeded = run(
        &db,
        &[
            "seed-demo",
            "--companies",
            "60",
            "--activities",
            "400",
            "--placements",
            "12",
            "--campaigns",
            "2",
            "--requests",
            "16",
            "--needs",
            "30",
            "--password-stdin",
        ],
        Some(&password),
    );
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    for args in [
        &[
            "jobcenter",
            "add",
            "--name",
            "Jobcenter Tom",
            "--municipality",
            "999",
            "--slug",
            "tom",
        ][..],
        &[
            "user",
            "add",
            "--jobcenter",
            "tom",
            "--email",
            "admin@tom.jobcenter.dk",
            "--name",
            "Tove Thomsen",
            "--role",
            "admin",
            "--password-stdin",
        ],
        // The two in a cluster; the suite has their admins accept.
        &[
            "cluster",
            "add",
            "--name",
            "Sydsjælland",
            "--member",
            "demo",
            "--member",
            "tom",
        ],
    ] {
        let out = run(&db, args, Some(&password));
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }

    let bin = std::env::var("BROWSER_APP_BIN").unwrap_or_else(|_| BIN.to_string());
    let data = tempfile::tempdir().unwrap();
    let (mut server, addr) = start_serve(&bin, &db, data.path());
    let out = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .current_dir(&suite)
        .env("APP_URL", format!("http://{addr}"))
        .env("APP_PASSWORD", PASSWORD)
        .env("EMPTY_ADMIN", "admin@tom.jobcenter.dk")
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        out.status.success(),
        "the browser suite failed:\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
