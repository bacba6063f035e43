//! Browser tests (wasm-bindgen-test in headless Chromium): the web APIs the app
//! relies on, and the pure domain running unchanged as WebAssembly.
//! Run with `cargo test --target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use gridcare::domain::calendar::Calendar;
use gridcare::domain::classify::Classifier;
use gridcare::domain::facts::Facts;
use gridcare::domain::rules::RuleTable;
use gridcare::i18n::Lang;
use gridcare::web::{network, prefs};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn language_choice_round_trips_through_local_storage() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    assert_eq!(prefs::load_lang(), Lang::Zh, "default before any choice");
    prefs::save_lang(Lang::En);
    assert_eq!(
        storage.get_item("gridcare.lang").unwrap().as_deref(),
        Some("\"en\"")
    );
    assert_eq!(prefs::load_lang(), Lang::En);
    prefs::save_lang(Lang::Zh);
    assert_eq!(prefs::load_lang(), Lang::Zh);
    // A damaged value falls back to the default instead of failing.
    storage.set_item("gridcare.lang", "{not json").unwrap();
    assert_eq!(prefs::load_lang(), Lang::Zh);
    storage.clear().unwrap();
}

#[wasm_bindgen_test]
fn the_browser_reports_it_is_online() {
    assert!(network::is_online());
}

#[wasm_bindgen_test]
fn the_rules_engine_runs_as_webassembly() {
    let classifier = Classifier::new(RuleTable::shipped());
    let c = classifier.classify(
        "小区20余户联名投诉，每晚电压骤降，空调无法启动",
        &Facts::default(),
    );
    assert_eq!(
        (c.kind.as_str(), c.subcategory.as_deref(), c.grade),
        ("complaint", Some("voltage"), Some(1))
    );
    let calendar = Calendar::shipped();
    let national_day = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    assert!(!calendar.is_working_day(national_day).value);
}

mod store {
    use chrono::{TimeZone, Utc};
    use gridcare::domain::classify::Classifier;
    use gridcare::domain::demo::{demo_events, DemoOptions};
    use gridcare::domain::device::Device;
    use gridcare::domain::rules::RuleTable;
    use gridcare::web::store::Store;
    use wasm_bindgen_test::*;

    fn events(tickets: usize, device: &str) -> Vec<gridcare::domain::event::Event> {
        events_of_seed(4, tickets, device)
    }

    fn events_of_seed(
        seed: u64,
        tickets: usize,
        device: &str,
    ) -> Vec<gridcare::domain::event::Event> {
        let anchor = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
        demo_events(
            &Classifier::new(RuleTable::shipped()),
            &DemoOptions {
                tickets,
                seed,
                device,
                anchor,
            },
        )
    }

    fn unique(name: &str) -> String {
        format!("gridcare-test-{name}-{}", js_sys::Math::random())
    }

    #[wasm_bindgen_test]
    async fn events_and_device_counters_survive_reopening_the_database() {
        let name = unique("reopen");
        let store = Store::open(&name).await;
        assert!(!store.is_fallback(), "IndexedDB is available in Chromium");
        assert!(store.load_events().await.unwrap().is_empty());
        assert_eq!(store.device().await.unwrap(), None);
        let written = events(30, "tab-A");
        let device = Device {
            id: "tab-A".into(),
            seq: 42,
            ..Device::default()
        };
        store.append(&written[..10], &device, None).await.unwrap();
        store.append(&written[10..], &device, None).await.unwrap();
        drop(store);

        let reopened = Store::open(&name).await;
        assert_eq!(reopened.load_events().await.unwrap(), written);
        assert_eq!(reopened.device().await.unwrap(), Some(device));
        assert_eq!(reopened.segment_count().await.unwrap(), 2);
    }

    #[wasm_bindgen_test]
    async fn a_log_of_many_segments_is_read_back_whole_and_in_order() {
        // More segments than one read asks for (`READ_BATCH`, 4), and not a multiple of it:
        // the batches must meet without a gap or an overlap.
        let store = Store::open(&unique("batches")).await;
        let written: Vec<_> = events(20, "tab-A").into_iter().take(37).collect();
        assert_eq!(written.len(), 37);
        for event in &written {
            store
                .append(std::slice::from_ref(event), &Device::default(), None)
                .await
                .unwrap();
        }
        assert_eq!(store.segment_count().await.unwrap(), 37);
        assert_eq!(store.load_events().await.unwrap(), written);
    }

    #[wasm_bindgen_test]
    async fn without_indexed_db_the_log_is_kept_in_local_storage() {
        web_sys::window()
            .unwrap()
            .local_storage()
            .unwrap()
            .unwrap()
            .clear()
            .unwrap();
        let store = Store::in_local_storage();
        assert!(store.is_fallback());
        let written = events(5, "tab-L");
        let device = Device {
            id: "tab-L".into(),
            seq: 3,
            ..Device::default()
        };
        store.append(&written[..4], &device, None).await.unwrap();
        store.append(&written[4..], &device, None).await.unwrap();
        let again = Store::in_local_storage();
        assert_eq!(again.load_events().await.unwrap(), written);
        assert_eq!(again.device().await.unwrap(), Some(device));
        web_sys::window()
            .unwrap()
            .local_storage()
            .unwrap()
            .unwrap()
            .clear()
            .unwrap();
    }

    #[wasm_bindgen_test]
    async fn a_large_import_is_written_in_segments_and_compaction_keeps_every_event() {
        let store = Store::open(&unique("segments")).await;
        let written = events(400, "tab-B");
        assert!(written.len() > 1_000);
        store
            .append(&written, &Device::default(), None)
            .await
            .unwrap();
        let expected_segments = written.len().div_ceil(1_000) as u32;
        assert_eq!(store.segment_count().await.unwrap(), expected_segments);
        // Many small user actions, then compaction.
        let more = events_of_seed(5, 10, "tab-C");
        assert!(more.len() >= 25);
        for event in more.iter().take(25) {
            store
                .append(std::slice::from_ref(event), &Device::default(), None)
                .await
                .unwrap();
        }
        let before = store.load_events().await.unwrap();
        assert_eq!(store.segment_count().await.unwrap(), expected_segments + 25);
        store.compact().await.unwrap();
        assert_eq!(store.load_events().await.unwrap(), before);
        assert_eq!(
            store.segment_count().await.unwrap(),
            before.len().div_ceil(1_000) as u32
        );
    }
}

mod upgrade {
    use gridcare::domain::device::Device;
    use gridcare::web::store::{ExportRecord, Store, DB_VERSION};
    use idb::{DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    /// Writes a database as version 1 of the app did: segments, meta and
    /// attachments, no export history.
    async fn write_version_1(name: &str, segment_json: &str, device_json: &str) {
        let factory = Factory::new().unwrap();
        let mut request = factory.open(name, Some(1)).unwrap();
        request.on_upgrade_needed(|event| {
            let db = event.database().unwrap();
            let mut segments = ObjectStoreParams::new();
            segments.auto_increment(true);
            db.create_object_store("segments", segments).unwrap();
            db.create_object_store("meta", ObjectStoreParams::new())
                .unwrap();
            db.create_object_store("attachments", ObjectStoreParams::new())
                .unwrap();
        });
        let db = request.await.unwrap();
        let tx = db
            .transaction(&["segments", "meta"], TransactionMode::ReadWrite)
            .unwrap();
        tx.object_store("segments")
            .unwrap()
            .add(&JsValue::from_str(segment_json), None)
            .unwrap();
        tx.object_store("meta")
            .unwrap()
            .put(
                &JsValue::from_str(device_json),
                Some(&JsValue::from_str("device")),
            )
            .unwrap();
        tx.await.unwrap();
        db.close();
    }

    #[wasm_bindgen_test]
    async fn a_database_written_by_version_1_opens_with_nothing_lost() {
        assert_eq!(DB_VERSION, 2);
        let name = format!("gridcare-test-upgrade-{}", js_sys::Math::random());
        let anchor =
            chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 20, 0, 0, 0).unwrap();
        let classifier = gridcare::domain::classify::Classifier::new(
            gridcare::domain::rules::RuleTable::shipped(),
        );
        let events = gridcare::domain::demo::demo_events(
            &classifier,
            &gridcare::domain::demo::DemoOptions {
                tickets: 15,
                seed: 2,
                device: "old-tablet",
                anchor,
            },
        );
        let device = Device {
            id: "old-tablet".into(),
            seq: 9,
            exported_seq: 4,
            ..Device::default()
        };
        write_version_1(
            &name,
            &serde_json::to_string(&events).unwrap(),
            &serde_json::to_string(&device).unwrap(),
        )
        .await;

        let store = Store::open(&name).await;
        assert!(!store.is_fallback());
        assert_eq!(store.load_events().await.unwrap(), events);
        assert_eq!(store.device().await.unwrap(), Some(device));
        // The store version 2 added works.
        assert!(store.exports().await.unwrap().is_empty());
        let record = ExportRecord {
            at: "2026-11-22T10:00:00+08:00".into(),
            file: "f.json".into(),
            events: 3,
            anonymised: false,
        };
        store.record_export(&record).await.unwrap();
        assert_eq!(store.exports().await.unwrap(), vec![record]);
    }
}

/// The checksum of a sync file hashed by the browser's Web Crypto
/// (`web::digest`), the way the import page does it: the same bundle as
/// hashing in wasm, and a file whose checksum does not match is refused.
mod checksum_by_web_crypto {
    use chrono::{Duration, TimeZone, Utc};
    use gridcare::domain::bundle::{Bundle, BundleError, Validation};
    use gridcare::domain::classify::Classifier;
    use gridcare::domain::demo::{demo_events, DemoOptions};
    use gridcare::domain::rules::RuleTable;
    use gridcare::web::digest::Sha256Parts;
    use wasm_bindgen_test::*;

    async fn validated(text: &str) -> Result<Bundle, BundleError> {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        // Room for a few bytes only: the buffer has to grow on the way.
        let mut parts = Sha256Parts::available(16).expect("Web Crypto on 127.0.0.1");
        let mut v = Validation::start(text, now)?.checksum_elsewhere();
        loop {
            let done = v.step(5)?.is_done();
            parts.push(&v.take_checksum_bytes());
            if done {
                break;
            }
        }
        v.finish_with(Some(parts.finish().await))
    }

    #[wasm_bindgen_test]
    async fn a_bundle_checked_by_web_crypto_is_the_bundle_and_a_wrong_checksum_is_refused() {
        let anchor = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
        let events = demo_events(
            &Classifier::new(RuleTable::shipped()),
            &DemoOptions {
                tickets: 12,
                seed: 9,
                device: "tab-A",
                anchor,
            },
        );
        let bundle = Bundle::new("tab-A", anchor, events, Default::default());
        let text = bundle.to_json();
        assert_eq!(validated(&text).await.unwrap(), bundle);
        assert_eq!(
            validated(&text).await.unwrap(),
            Bundle::parse(&text, anchor + Duration::days(2)).unwrap()
        );
        let tampered = text.replace(&bundle.checksum, &format!("sha256:{}", "0".repeat(64)));
        assert_eq!(
            validated(&tampered).await.unwrap_err(),
            BundleError::ChecksumMismatch
        );
    }
}

/// The device's key pair: made by WebCrypto, kept in IndexedDB across a
/// reopening, its private key not extractable, and its signatures checked
/// by the core's Ed25519 (the same check every other device makes).
mod keys {
    use gridcare::domain::trust::chain::{fold_chain, signed_message};
    use gridcare::domain::trust::ChainRecord;
    use gridcare::web::keys;
    use gridcare::web::store::Store;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    async fn a_key_pair_survives_reopening_and_its_signatures_verify() {
        let name = "gridcare-test-keys";
        let _ = idb::Factory::new().unwrap().delete(name).unwrap().await;
        let made = {
            let store = Store::open(name).await;
            let made = keys::generate().await.expect("Ed25519 in WebCrypto");
            store.save_device_keys(&made.stored).await.unwrap();
            made.public.clone()
        };
        // Opened again: the same pair, and it still signs.
        let store = Store::open(name).await;
        let stored = store.device_keys().await.unwrap().expect("kept");
        let again = keys::from_stored(stored).await.unwrap();
        assert_eq!(again.public, made);
        // The private key cannot be read out.
        let extractable =
            js_sys::Reflect::get(&again.private, &JsValue::from_str("extractable")).unwrap();
        assert_eq!(extractable.as_bool(), Some(false));
        let device = "dev-web0001";
        let (seq, head) = fold_chain(device, std::iter::empty()).unwrap();
        let signature = again
            .sign(&signed_message(device, seq, head))
            .await
            .unwrap();
        let record = ChainRecord {
            key: again.public.clone(),
            seq,
            head: head.text(),
            signature: signature.clone(),
            from: 1,
            before: None,
            omitted: Default::default(),
        };
        record
            .verify(device, |_| None)
            .expect("a WebCrypto signature checks in the core");
        // Another device's name with the same signature does not.
        assert!(record.verify("dev-web0002", |_| None).is_err());
    }
}

/// Customers' data sealed with WebCrypto: what the store keeps holds no
/// phone number, the vault survives reopening, the right passphrase opens
/// it and a wrong one does not.
mod vault {
    use chrono::{TimeZone, Utc};
    use gridcare::domain::classify::Classifier;
    use gridcare::domain::demo::{demo_events, DemoOptions};
    use gridcare::domain::device::Device;
    use gridcare::domain::event::{Event, EventBody};
    use gridcare::domain::personal;
    use gridcare::domain::rules::RuleTable;
    use gridcare::web::store::Store;
    use gridcare::web::vault::{self, VaultError};
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    async fn sealed_data_survives_reopening_and_opens_only_with_the_passphrase() {
        let name = format!("gridcare-test-vault-{}", js_sys::Math::random());
        let events = demo_events(
            &Classifier::new(RuleTable::shipped()),
            &DemoOptions {
                tickets: 20,
                seed: 9,
                device: "tab-V",
                anchor: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
            },
        );
        let phones: Vec<String> = events
            .iter()
            .filter_map(|e| match &e.body {
                EventBody::Created { contact, .. } => contact.phone.clone(),
                _ => None,
            })
            .collect();
        assert!(!phones.is_empty());
        {
            let store = Store::open(&name).await;
            let (record, sealer, _) = vault::create()
                .await
                .expect("ECDH and AES-GCM in WebCrypto");
            let record = record.with_passphrase(None, "晚班口令2468").await.unwrap();
            store.save_vault(&record).await.unwrap();
            store.set_sealer(sealer);
            store
                .append(&events, &Device::new("tab-V".into()), None)
                .await
                .unwrap();
            store
                .put_attachment("sha256:photo", "image/jpeg", "AAEC")
                .await
                .unwrap();
        }
        let store = Store::open(&name).await;
        let log = store.load_log().await.unwrap();
        let stored: Vec<Event> = log.events.iter().cloned().collect();
        // What is stored shows masked numbers only.
        let kept = serde_json::to_string(&stored).unwrap();
        for phone in &phones {
            assert!(!kept.contains(phone.as_str()), "{phone} stored as it is");
        }
        assert!(personal::any_masked(&stored));
        assert!(!log.plain_personal);
        // Locked: a photo cannot be read.
        assert_eq!(
            store.attachment("sha256:photo").await,
            Err(gridcare::web::store::StoreError::Locked)
        );
        let record = store.vault().await.unwrap().expect("the vault is kept");
        assert!(record.has_passphrase());
        assert!(matches!(record.open_without_passphrase().await, Ok(None)));
        assert!(matches!(
            record.unlock("wrong").await.err(),
            Some(VaultError::WrongPassphrase)
        ));
        let opener = record
            .unlock("晚班口令2468")
            .await
            .expect("the right passphrase");
        let data = vault::open_personal(&opener, &log.sealed).await.unwrap();
        let mut restored = stored;
        personal::restore(&mut restored, &data);
        assert_eq!(restored, events);
        store.set_opener(opener);
        assert_eq!(
            store.attachment("sha256:photo").await.unwrap(),
            Some(("image/jpeg".to_string(), "AAEC".to_string()))
        );
        // A passphrase-protected export opens with its passphrase only.
        let sealed = vault::encrypt_with_passphrase("导出口令", b"{\"format\":1}")
            .await
            .unwrap();
        assert_eq!(
            vault::decrypt_with_passphrase("导出口令", &sealed)
                .await
                .unwrap(),
            b"{\"format\":1}"
        );
        assert_eq!(
            vault::decrypt_with_passphrase("别的", &sealed).await,
            Err(VaultError::WrongPassphrase)
        );
    }
}

/// The browser's modules leave the n-gram model out and fetch it beside
/// them (`web::model`): its file, un-gzipped by the browser's own
/// `DecompressionStream`, installs, and anything else is refused with the
/// rules still deciding.
#[wasm_bindgen_test]
async fn the_n_gram_model_installs_from_its_file() {
    use gridcare::domain::classify::{install_shipped_model, shipped_model_ready};
    assert!(install_shipped_model(b"<html>not found</html>").is_err());
    let gzip = include_bytes!("../crates/core/src/domain/data/model.json.gz");
    // The file as fetched is gzip, which the install does not read itself.
    assert!(install_shipped_model(gzip).is_err());
    let json = gridcare::web::files::unpacked(gzip.to_vec())
        .await
        .expect("the browser unpacks the model");
    install_shipped_model(&json).expect("the shipped model reads");
    assert!(shipped_model_ready());
    // Installed once: a second copy changes nothing.
    assert_eq!(install_shipped_model(&json), Ok(false));
}

/// An export's gzip is several members, each saying its length in its
/// header (`domain::bundle::gzip`); the browser's `DecompressionStream`
/// reads one member only, so the page unpacks them one at a time: the whole
/// text, in order. A member cut short is a damaged file, not a shorter one.
#[wasm_bindgen_test]
async fn members_that_say_their_length_unpack_whole_in_the_browser() {
    use gridcare::domain::bundle::gzip::{gzip, sized_member_header};
    use gridcare::domain::bundle::BundleError;
    let text: Vec<u8> = (0..3000)
        .flat_map(|i| format!("{{\"n\":{i},\"word\":\"成员{}\"}},", i % 7).into_bytes())
        .collect();
    let mut file = Vec::new();
    let mut starts = Vec::new();
    for stretch in text.chunks(20_000) {
        let member = gzip(stretch);
        starts.push(file.len());
        file.extend(sized_member_header(&member[..10], member.len() as u64).unwrap());
        file.extend_from_slice(&member[10..]);
    }
    assert!(starts.len() >= 3, "{} members", starts.len());
    let unpacked = gridcare::web::files::unpacked(file.clone())
        .await
        .expect("every member unpacks");
    assert_eq!(unpacked, text);
    let cut = file[..starts[1] + 40].to_vec();
    assert_eq!(
        gridcare::web::files::unpacked(cut).await,
        Err(BundleError::CompressedDamaged)
    );
    // Bytes after the last member are no member: damaged too.
    let mut trailing = file.clone();
    trailing.extend_from_slice(b"not gzip");
    assert_eq!(
        gridcare::web::files::unpacked(trailing).await,
        Err(BundleError::CompressedDamaged)
    );
    // A file of one stream, as other writers make it, still reads.
    assert_eq!(
        gridcare::web::files::unpacked(gzip(&text)).await.unwrap(),
        text
    );
}
