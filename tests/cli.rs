//! The `gridcare` command line as a user runs it: output formats, exit codes,
//! and clear messages on bad input (never a panic).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn gridcare(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridcare"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn assert_clean_failure(o: &Output) {
    assert!(!o.status.success());
    assert_eq!(
        o.status.code(),
        Some(1),
        "an error exit, not a crash: {}",
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

#[test]
fn classify_writes_one_json_line_per_input_line() {
    let input = concat!(
        "{\"text\": \"我们小区20余户联名投诉，每晚电压骤降，空调无法启动\"}\n",
        "\n",
        "{\"text\": \"家里停电了\", \"facts\": {\"safety_hazard\": true}}\n",
        "{\"text\": \"请问阶梯电价怎么算\"}\n",
    );
    let o = gridcare(&["classify"], input);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "the blank line is skipped");
    let first = &lines[0];
    assert_eq!(first["kind"], "complaint");
    assert_eq!(first["category"], "supply_quality");
    assert_eq!(first["subcategory"], "voltage");
    assert_eq!(first["grade"], 1);
    assert_eq!(first["facts"]["joint_households"], 20);
    let rules = first["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .all(|r| r["id"].is_string() && r["source"].is_string()));
    assert!(rules
        .iter()
        .any(|r| r["id"] == "grade.1.joint_supply_quality" && r["source"] == "003 §八"));
    assert_eq!(lines[1]["kind"], "fault_repair");
    assert_eq!(lines[1]["facts"]["safety_hazard"], true);
    assert_eq!(
        lines[1]["grade"], 1,
        "a repair with a hazard to people is 一级 (spec §1, updated)"
    );
    assert_eq!(lines[1]["emergency"], true);
    assert_eq!(lines[2]["kind"], "consultation");
    assert_eq!(lines[2]["grade"], Value::Null);
}

#[test]
fn classify_names_the_bad_lines_and_still_answers_the_good_ones() {
    let input = "{\"text\": \"停电了\"}\nnot json\n{\"text\": \"x\", \"facts\": {\"weather\": 1}}\n{\"text\": 5}\n{\"text\": \"电费多收了\"}\n";
    let o = gridcare(&["classify"], input);
    assert_clean_failure(&o);
    assert_eq!(stdout(&o).lines().count(), 2);
    let err = stderr(&o);
    assert!(err.contains("line 2:"), "{err}");
    assert!(
        err.contains("line 3:") && err.contains("unknown field `weather`"),
        "{err}"
    );
    assert!(err.contains("line 4:"), "{err}");
    assert!(err.contains("3 input line(s)"), "{err}");
}

#[test]
fn calendar_lists_work_and_rest_days_with_holiday_names() {
    let o = gridcare(
        &["calendar", "--from", "2026-09-30", "--to", "2026-10-11"],
        "",
    );
    assert!(o.status.success());
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 12);
    assert_eq!(lines[0], "2026-09-30 work");
    assert_eq!(lines[1], "2026-10-01 rest 国庆节");
    assert_eq!(lines[8], "2026-10-08 work");
    assert_eq!(lines[10], "2026-10-10 work 国庆节", "make-up Saturday");
    assert_eq!(lines[11], "2026-10-11 rest");
    assert!(stderr(&o).is_empty());
}

#[test]
fn calendar_warns_about_missing_years_and_refuses_bad_dates() {
    let o = gridcare(
        &["calendar", "--from", "2027-01-01", "--to", "2027-01-02"],
        "",
    );
    assert!(o.status.success());
    assert!(stderr(&o).contains("calendar missing for year 2027"));
    let o = gridcare(
        &["calendar", "--from", "2026-13-01", "--to", "2026-12-01"],
        "",
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("'2026-13-01' is not a date of the form YYYY-MM-DD"),
        "{}",
        stderr(&o)
    );
    let o = gridcare(
        &["calendar", "--from", "2026-12-01", "--to", "2026-11-01"],
        "",
    );
    assert_clean_failure(&o);
    assert!(stderr(&o).contains("is before --from"));
}

#[test]
fn calendar_imports_a_holiday_cn_year() {
    let dir = std::env::temp_dir().join(format!("gridcare-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("2027.json");
    std::fs::write(
        &file,
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
    )
    .unwrap();
    let o = gridcare(
        &[
            "calendar",
            "--from",
            "2027-01-01",
            "--to",
            "2027-01-01",
            "--import",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(o.status.success());
    assert_eq!(stdout(&o), "2027-01-01 rest 元旦\n");
    assert!(stderr(&o).is_empty());
    std::fs::write(&file, "{broken").unwrap();
    let o = gridcare(
        &[
            "calendar",
            "--from",
            "2027-01-01",
            "--to",
            "2027-01-01",
            "--import",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_clean_failure(&o);
    assert!(stderr(&o).contains("2027.json: not a holiday-cn calendar file"));
}

#[test]
fn due_prints_rfc3339_in_china_time() {
    let o = gridcare(
        &[
            "due",
            "--from",
            "2026-11-20T15:00:00+08:00",
            "--working-days",
            "3",
        ],
        "",
    );
    assert_eq!(stdout(&o), "2026-11-26T00:00:00+08:00\n");
    let o = gridcare(
        &["due", "--from", "2026-11-20T07:00:00Z", "--hours", "48"],
        "",
    );
    assert_eq!(stdout(&o), "2026-11-22T15:00:00+08:00\n");
    let o = gridcare(&["due", "--from", "yesterday", "--hours", "1"], "");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("'yesterday' is not an RFC 3339 instant"));
    let o = gridcare(&["due", "--from", "2026-11-20T15:00:00+08:00"], "");
    assert!(!o.status.success(), "a span is required");
}

#[test]
fn rules_prints_the_table_and_checks_files() {
    let o = gridcare(&["rules"], "");
    assert!(o.status.success());
    let table: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(table["format"], "gridcare-rules");
    let dir = std::env::temp_dir().join(format!("gridcare-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, stdout(&o)).unwrap();
    let o = gridcare(&["rules", "--check", good.to_str().unwrap()], "");
    assert!(o.status.success());
    assert!(stdout(&o).contains("valid rule table version"));
    let mut broken = table.clone();
    broken["clocks"][0]["span"] = serde_json::json!({});
    broken["grade_rules"][0]["grade"] = serde_json::json!(7);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, broken.to_string()).unwrap();
    let o = gridcare(&["rules", "--check", bad.to_str().unwrap()], "");
    assert_clean_failure(&o);
    let err = stderr(&o);
    assert!(err.contains("2 problem(s)"), "{err}");
    assert!(
        err.contains("clocks[0].span") && err.contains("grade_rules[0].grade"),
        "{err}"
    );
    let o = gridcare(&["rules", "--check", "/no/such/file.json"], "");
    assert_clean_failure(&o);
    assert!(stderr(&o).contains("/no/such/file.json"));
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gridcare-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn demo_bundles_from_two_devices_merge_in_either_order_to_the_same_file() {
    let dir = temp_dir("sync");
    let a = dir.join("a.json");
    let b = dir.join("b.json");
    for (device, path) in [("tab-A", &a), ("tab-B", &b)] {
        let o = gridcare(
            &[
                "demo",
                "--tickets",
                "40",
                "--seed",
                "11",
                "--device",
                device,
                "-o",
                path.to_str().unwrap(),
            ],
            "",
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = gridcare(&["validate", a.to_str().unwrap()], "");
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("valid gridcare bundle") && stdout(&o).contains("40 tickets"),
        "{}",
        stdout(&o)
    );
    let ab = gridcare(&["merge", a.to_str().unwrap(), b.to_str().unwrap()], "");
    let ba = gridcare(&["merge", b.to_str().unwrap(), a.to_str().unwrap()], "");
    assert!(ab.status.success() && ba.status.success());
    assert_eq!(stdout(&ab), stdout(&ba), "merge is order-independent");
    let merged = dir.join("ab.json");
    std::fs::write(&merged, stdout(&ab)).unwrap();
    let again = gridcare(
        &["merge", merged.to_str().unwrap(), a.to_str().unwrap()],
        "",
    );
    assert_eq!(
        stdout(&again),
        stdout(&ab),
        "importing what is already there changes nothing"
    );
    let summary = stdout(&gridcare(&["validate", merged.to_str().unwrap()], ""));
    assert!(
        summary.contains("devices: hotline-11-40, tab-A, tab-B"),
        "{summary}"
    );
    // The same seed gives the same base tickets.
    let a2 = gridcare(
        &[
            "demo",
            "--tickets",
            "40",
            "--seed",
            "11",
            "--device",
            "tab-A",
        ],
        "",
    );
    assert_eq!(stdout(&a2).trim(), std::fs::read_to_string(&a).unwrap());
}

fn gridcare_with_passphrase(args: &[&str], passphrase: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridcare"))
        .args(args)
        .env("GRIDCARE_PASSPHRASE", passphrase)
        .output()
        .unwrap()
}

#[test]
fn a_sealed_file_opens_with_its_passphrase_only_and_reads_as_the_plain_one() {
    let dir = temp_dir("sealed");
    let plain = dir.join("plain.json");
    let sealed = dir.join("plain.sealed.json");
    let (plain_s, sealed_s) = (plain.to_str().unwrap(), sealed.to_str().unwrap());
    let o = gridcare(&["demo", "--tickets", "8", "-o", plain_s], "");
    assert!(o.status.success());
    let secret = "夜班口令-2468";
    let short = gridcare_with_passphrase(&["seal", plain_s, "-o", sealed_s], "short");
    assert_clean_failure(&short);
    assert!(stderr(&short).contains("at least 8"));
    let o = gridcare_with_passphrase(&["seal", plain_s, "-o", sealed_s], secret);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&sealed).unwrap();
    assert!(text.starts_with(r#"{"format":"gridcare-sealed","version":1,"#));
    assert!(!text.contains("客户"), "no event text in the clear");

    // Read with the passphrase, a protected file is the plain one.
    let merged =
        |file: &str, passphrase: &str| gridcare_with_passphrase(&["merge", file], passphrase);
    let opened = merged(sealed_s, secret);
    assert!(opened.status.success(), "{}", stderr(&opened));
    assert_eq!(stdout(&opened), stdout(&merged(plain_s, "")));

    let without = merged(sealed_s, "");
    assert_clean_failure(&without);
    assert!(
        stderr(&without).contains("GRIDCARE_PASSPHRASE"),
        "{}",
        stderr(&without)
    );
    let wrong = merged(sealed_s, "夜班口令-2469");
    assert_clean_failure(&wrong);
    assert!(
        stderr(&wrong).contains("Wrong passphrase"),
        "{}",
        stderr(&wrong)
    );

    // One ciphertext character changed: refused by GCM's tag, not misread.
    let mut envelope: Value = serde_json::from_str(&text).unwrap();
    let ciphertext = envelope["ciphertext"].as_str().unwrap().to_string();
    let flipped = if ciphertext.starts_with('A') {
        "B"
    } else {
        "A"
    };
    envelope["ciphertext"] = Value::String(format!("{flipped}{}", &ciphertext[1..]));
    let damaged = dir.join("damaged.sealed.json");
    std::fs::write(&damaged, envelope.to_string()).unwrap();
    let o = merged(damaged.to_str().unwrap(), secret);
    assert_clean_failure(&o);
    assert!(stderr(&o).contains("Wrong passphrase (or the file is damaged)"));
    // A hostile envelope asking for billions of rounds is refused at once.
    envelope["kdf"]["iterations"] = Value::from(4_000_000_000u64);
    std::fs::write(&damaged, envelope.to_string()).unwrap();
    let o = merged(damaged.to_str().unwrap(), secret);
    assert_clean_failure(&o);
    assert!(stderr(&o).contains("kdf.iterations"), "{}", stderr(&o));
}

#[test]
fn compressed_files_are_written_by_name_and_read_by_content() {
    let dir = temp_dir("gzip");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let demo = |device: &str, output: &str| {
        let o = gridcare(
            &[
                "demo",
                "--tickets",
                "30",
                "--seed",
                "4",
                "--device",
                device,
                "-o",
                output,
            ],
            "",
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    demo("tab-A", &path("a.json"));
    demo("tab-A", &path("a.json.gz"));
    demo("tab-B", &path("b.json.gz"));
    let plain = std::fs::read(path("a.json")).unwrap();
    let packed = std::fs::read(path("a.json.gz")).unwrap();
    assert_eq!(&packed[..2], &[0x1f, 0x8b], "a .gz name gives a gzip file");
    assert!(
        packed.len() * 4 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );

    // The same events either way, whatever the name says.
    let merged = |files: &[&str]| {
        let o = gridcare(&[&["merge"][..], files].concat(), "");
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    std::fs::copy(path("a.json.gz"), path("renamed.json")).unwrap();
    assert_eq!(merged(&[&path("a.json")]), merged(&[&path("renamed.json")]));
    assert_eq!(
        merged(&[&path("a.json"), &path("b.json.gz")]),
        merged(&[&path("a.json.gz"), &path("b.json.gz")])
    );
    let o = gridcare(&["validate", &path("b.json.gz")], "");
    assert!(
        stdout(&o).contains("valid gridcare bundle"),
        "{}",
        stderr(&o)
    );

    // A folder of compressed and plain files feeds the report.
    let folder = dir.join("crews");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(path("a.json"), folder.join("a.json")).unwrap();
    std::fs::copy(path("b.json.gz"), folder.join("b.json.gz")).unwrap();
    let o = gridcare(
        &["report", folder.to_str().unwrap(), "--month", "2026-11"],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));

    // A protected file holds the compressed text, and opens to the same events.
    let sealed = path("a.sealed.json");
    let o = gridcare_with_passphrase(&["seal", &path("a.json"), "-o", &sealed], "夜班口令-2468");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata(&sealed).unwrap().len() * 3 < plain.len() as u64);
    let opened = gridcare_with_passphrase(&["merge", &sealed], "夜班口令-2468");
    assert_eq!(stdout(&opened), merged(&[&path("a.json")]));

    // A cut file is damaged, said in words, with its name.
    std::fs::write(path("cut.json.gz"), &packed[..packed.len() / 2]).unwrap();
    for command in ["validate", "merge"] {
        let o = gridcare(&[command, &path("cut.json.gz")], "");
        assert_clean_failure(&o);
        assert!(
            stderr(&o).contains("cut.json.gz") && stderr(&o).contains("damaged or incomplete"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn validate_and_merge_refuse_damaged_files_without_panicking() {
    let dir = temp_dir("bad");
    let good = dir.join("good.json");
    let o = gridcare(
        &["demo", "--tickets", "5", "-o", good.to_str().unwrap()],
        "",
    );
    assert!(o.status.success());
    let text = std::fs::read_to_string(&good).unwrap();
    assert!(text.contains("\"version\":3") && !text.contains("{\"id\""));
    // The same events in the format older apps read: each with its id.
    let older = dir.join("older.json");
    let o = gridcare(
        &[
            "merge",
            good.to_str().unwrap(),
            "--file-version",
            "2",
            "-o",
            older.to_str().unwrap(),
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text_2 = std::fs::read_to_string(&older).unwrap();
    assert!(text_2.contains("\"version\":2") && text_2.contains("{\"id\":\"sha256:"));
    assert!(gridcare(&["validate", older.to_str().unwrap()], "")
        .status
        .success());
    let cut = |text: &str| {
        let mut at = text.len() / 3;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text[..at].to_string()
    };
    let cases = [
        ("truncated.json", cut(&text), "not valid JSON"),
        (
            // No id to compare: the one derived is another, so is the checksum.
            "tampered.json",
            text.replacen("客户反映", "客户声称", 1),
            "checksum does not match",
        ),
        (
            "tampered-2.json",
            text_2.replacen("客户反映", "客户声称", 1),
            "does not match its id",
        ),
        ("empty.json", String::new(), "empty"),
        (
            "future.json",
            text.replacen("\"version\":3", "\"version\":9", 1),
            "newer version",
        ),
    ];
    for (name, content, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        for command in ["validate", "merge"] {
            let o = gridcare(&[command, path.to_str().unwrap()], "");
            assert_clean_failure(&o);
            assert!(
                stderr(&o).contains(message),
                "{command} {name}: {}",
                stderr(&o)
            );
            assert!(stderr(&o).contains(name));
        }
    }
}

#[test]
fn ledger_and_report_over_a_folder_of_crews_files() {
    let dir = temp_dir("ledger");
    let files = dir.join("crews");
    std::fs::create_dir_all(&files).unwrap();
    for device in ["tab-a", "tab-b", "tab-c"] {
        let out = files.join(format!("{device}.json"));
        let o = gridcare(
            &[
                "demo",
                "--tickets",
                "120",
                "--device",
                device,
                "-o",
                out.to_str().unwrap(),
            ],
            "",
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let folder = files.to_str().unwrap();
    let at = "2026-11-22T12:00:00+08:00";
    let report = gridcare(&["report", folder, "--month", "2026-11", "--at", at], "");
    assert!(report.status.success(), "{}", stderr(&report));
    let figures: Value = serde_json::from_str(&stdout(&report)).unwrap();
    let tickets = figures["report"]["tickets"].as_u64().unwrap();
    assert!(tickets > 0);
    let by_kind: u64 = figures["report"]["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_kind, tickets, "every ticket has one kind");
    let population = figures["audit"]["population"].as_u64().unwrap();
    let sample = figures["audit"]["sample"].as_array().unwrap().len() as u64;
    assert_eq!(sample, population.div_ceil(10));
    // The same files give the same report.
    let again = gridcare(&["report", folder, "--month", "2026-11", "--at", at], "");
    assert_eq!(stdout(&again), stdout(&report));

    let csv = dir.join("ledger.csv");
    let o = gridcare(
        &[
            "ledger",
            folder,
            "--month",
            "2026-11",
            "--at",
            at,
            "-o",
            csv.to_str().unwrap(),
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}工单号,"));
    assert_eq!(
        text.lines().count() as u64,
        tickets + 1,
        "a header and one line per ticket"
    );

    let xlsx = dir.join("ledger.xlsx");
    let o = gridcare(
        &[
            "ledger",
            folder,
            "--month",
            "2026-11",
            "--format",
            "xlsx",
            "--lang",
            "en",
            "-o",
            xlsx.to_str().unwrap(),
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip file");

    let bad = gridcare(&["report", folder, "--month", "2026-13"], "");
    assert_clean_failure(&bad);
    assert!(stderr(&bad).contains("YYYY-MM"));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let none = gridcare(
        &["report", empty.to_str().unwrap(), "--month", "2026-11"],
        "",
    );
    assert_clean_failure(&none);
    assert!(stderr(&none).contains("no .json or .json.gz files"));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // `gridcare demo | head -c 10`: the reader goes away after a few bytes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridcare"))
        .args(["demo", "--tickets", "2000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn station_reports_merge_into_the_citys_without_the_events() {
    let dir = temp_dir("report-merge");
    let file = dir.join("city.json.gz");
    let o = gridcare(
        &[
            "demo",
            "--tickets",
            "300",
            "--seed",
            "9",
            "-o",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let at = "2026-11-22T12:00:00+08:00";
    let report = |extra: &[&str]| {
        let o = gridcare(
            &[
                &[
                    "report",
                    file.to_str().unwrap(),
                    "--month",
                    "2026-11",
                    "--at",
                    at,
                ][..],
                extra,
            ]
            .concat(),
            "",
        );
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let mut parts = vec![];
    for station in ["城东供电所", "城西供电所", "郊区供电所", "山区供电所"] {
        let path = dir.join(format!("{station}.json"));
        std::fs::write(&path, report(&["--station", station])).unwrap();
        parts.push(path.to_str().unwrap().to_string());
    }
    let merge = |files: &[String]| {
        gridcare(
            &[
                &["report", "--merge"][..],
                &files.iter().map(String::as_str).collect::<Vec<_>>(),
            ]
            .concat(),
            "",
        )
    };
    let merged = merge(&parts);
    assert!(merged.status.success(), "{}", stderr(&merged));
    let mut merged: Value = serde_json::from_str(&stdout(&merged)).unwrap();
    let mut whole: Value = serde_json::from_str(&report(&[])).unwrap();
    assert_eq!(merged["merged"]["stations"], 4);
    assert_eq!(merged["merged"]["not_exact"], serde_json::json!(["audit"]));
    assert!(whole["report"]["complaints"].as_u64().unwrap() > 20);
    // Every figure but the audit sample's tickets is the whole report's.
    assert_eq!(merged["audit"]["population"], whole["audit"]["population"]);
    assert_eq!(
        merged["audit"]["sample"].as_array().unwrap().len(),
        whole["audit"]["sample"].as_array().unwrap().len()
    );
    for figures in [&mut merged, &mut whole] {
        let figures = figures.as_object_mut().unwrap();
        for key in ["merged", "audit", "tally"] {
            figures.remove(key);
        }
    }
    assert_eq!(merged, whole);

    // A station twice, or a report of another month, is refused in words.
    let twice = merge(&[parts[0].clone(), parts[1].clone(), parts[0].clone()]);
    assert_clean_failure(&twice);
    assert!(
        stderr(&twice).contains("城东供电所 is in more than one report"),
        "{}",
        stderr(&twice)
    );
    let october = dir.join("october.json");
    let o = gridcare(
        &[
            "report",
            file.to_str().unwrap(),
            "--month",
            "2026-10",
            "--at",
            at,
            "--station",
            "山区供电所",
        ],
        "",
    );
    std::fs::write(&october, stdout(&o)).unwrap();
    let other = merge(&[parts[0].clone(), october.to_str().unwrap().to_string()]);
    assert_clean_failure(&other);
    assert!(
        stderr(&other).contains("different months"),
        "{}",
        stderr(&other)
    );
    // A sync file is not a report.
    let wrong = merge(&[file.to_str().unwrap().to_string()]);
    assert_clean_failure(&wrong);
    assert!(
        stderr(&wrong).contains("not a report"),
        "{}",
        stderr(&wrong)
    );
}
