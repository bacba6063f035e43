//! Whom this device trusts: the chain records it keeps, the roots it
//! adopted, the roster's enrolments and revocations, and who signed what
//! (`domain::trust` decides; this keeps the device's side of it).

use super::*;

impl Data {
    /// The chain records to keep after `new` events are saved with the
    /// records a checked file `brought` (none when nothing was brought):
    /// other devices' records only; this device's own it signs itself.
    pub(super) fn absorb_chains(
        self,
        new: &[Event],
        brought: Option<BTreeMap<String, Vec<ChainRecord>>>,
        own: &str,
    ) -> Option<BTreeMap<String, Vec<ChainRecord>>> {
        let brought = brought?;
        let mut kept = self.chains.get_value();
        let devices: rustc_hash::FxHashSet<&str> = new.iter().map(|e| e.device.as_str()).collect();
        for (device, records) in brought {
            if device != own && (devices.contains(device.as_str()) || kept.contains_key(&device)) {
                absorb(kept.entry(device).or_default(), &records);
            }
        }
        Some(kept)
    }

    /// Folds who may govern here: the shipped roots and those this device
    /// adopted, the roster among `events`, and the keys it verified.
    pub(super) fn judge_authority(self, events: &Log) {
        let Some(device) = self.device.get_untracked() else {
            return;
        };
        let mut roots = shipped_roots();
        roots.extend(device.roots.iter().cloned());
        let authority = Authority::new(&roots, events, self.known_keys(), Some(device.id));
        self.authority.set(Arc::new(authority));
    }

    /// Whom this device would trust once `new` events (from a file with
    /// `chains`) joined `held`: what an import preview says will apply,
    /// trust on first use included.
    pub(super) fn authority_after(
        self,
        held: &Log,
        new: &[&Event],
        chains: &BTreeMap<String, Vec<ChainRecord>>,
    ) -> Authority {
        let Some(device) = self.device.get_untracked() else {
            return Authority::default();
        };
        let mut keys = self.known_keys();
        for (d, records) in chains {
            if let Some(r) = records.first() {
                keys.entry(d.clone()).or_insert_with(|| r.key.clone());
            }
        }
        let all = || held.iter().chain(new.iter().copied());
        let mut roots = shipped_roots();
        roots.extend(device.roots.iter().cloned());
        if roots.is_empty() {
            roots.extend(self_enrolled_supervisor(all(), |d| keys.get(d).cloned()));
        }
        Authority::new(&roots, all(), keys, Some(device.id))
    }

    /// Trust on first use: where the build ships no root and this device
    /// adopted none, the first supervisor that enrolled itself (with the key
    /// its log is signed with) in what arrives now becomes this device's
    /// root, kept with the device and shown by fingerprint to compare.
    pub(super) fn adopt_root(
        self,
        device: &mut Device,
        new: &[Event],
        chains: Option<&BTreeMap<String, Vec<ChainRecord>>>,
    ) {
        if !device.roots.is_empty()
            || !shipped_roots().is_empty()
            || !new.iter().any(|e| e.ticket == ROSTER_STREAM)
        {
            return;
        }
        let mut keys = self.known_keys();
        for (d, records) in chains.into_iter().flatten() {
            if let Some(r) = records.first() {
                keys.entry(d.clone()).or_insert_with(|| r.key.clone());
            }
        }
        let found = self.events.with_untracked(|held| {
            self_enrolled_supervisor(held.iter().chain(new), |d| keys.get(d).cloned())
        });
        device.roots.extend(found);
    }

    /// This device's public key (none where the browser cannot sign).
    pub fn own_key(self) -> Option<String> {
        self.keys
            .with_value(|k| k.as_ref().map(|k| k.public.clone()))
    }

    /// Makes this device the root supervisor of a roster that has none:
    /// it enrols itself, and other devices that take its file trust it on
    /// first use (or a utility lists its key in `data/trust.json`).
    pub async fn become_root(self, name: String, station: String) -> Result<(), StoreError> {
        let (_turn, mut device) = self.loaded_device().await?;
        let Some(key) = self.own_key() else {
            return Err(StoreError::NotReady);
        };
        if !device.roots.contains(&key) {
            device.roots.push(key.clone());
        }
        let body = EventBody::DeviceEnrolled {
            subject: device.id.clone(),
            key,
            name,
            station,
            role: DeviceRole::Supervisor,
        };
        let author = self.author();
        let event = device.mint(ROSTER_STREAM, &author, vec![], body, Utc::now());
        self.commit(vec![event], device).await
    }

    /// Enrols (or re-keys) a device in the roster.
    pub async fn enrol(
        self,
        device: String,
        key: String,
        name: String,
        station: String,
        role: DeviceRole,
    ) -> Result<(), StoreError> {
        let body = EventBody::DeviceEnrolled {
            subject: device,
            key,
            name,
            station,
            role,
        };
        self.record(ROSTER_STREAM, &self.author(), body).await
    }

    /// Revokes a device (lost, stolen, retired).
    pub async fn revoke(self, device: String, reason: String) -> Result<(), StoreError> {
        let body = EventBody::DeviceRevoked {
            subject: device,
            reason,
        };
        self.record(ROSTER_STREAM, &self.author(), body).await
    }

    /// What an import checks a file's signatures against: the keys this
    /// device trusts (the roster's where it replaced one), when devices were
    /// revoked.
    pub fn trusted(self) -> crate::web::import::Trusted {
        let authority = self.authority.get_untracked();
        let mut keys = self.known_keys();
        let mut revoked = BTreeMap::new();
        for (device, e) in &authority.roster.devices {
            keys.insert(device.clone(), e.key.clone());
            if let Some((at, _)) = &e.revoked {
                revoked.insert(device.clone(), *at);
            }
        }
        crate::web::import::Trusted { keys, revoked }
    }

    /// The keys this device trusts for each device it has heard from: its
    /// own, and the ones their checked chains were signed with.
    pub fn known_keys(self) -> BTreeMap<String, String> {
        let mut keys: BTreeMap<String, String> = self.chains.with_value(|chains| {
            chains
                .iter()
                .filter_map(|(d, records)| Some((d.clone(), records.first()?.key.clone())))
                .collect()
        });
        if let (Some(device), Some(own)) = (
            self.device.get_untracked(),
            self.keys
                .with_value(|k| k.as_ref().map(|k| k.public.clone())),
        ) {
            keys.insert(device.id, own);
        }
        keys
    }

    /// How a device's events stand: signed by this device, by another with
    /// this key, or not signed.
    pub fn signer_of(self, device: &str) -> Signer {
        if self
            .device
            .with_untracked(|d| d.as_ref().is_some_and(|d| d.id == device))
        {
            return Signer::ThisDevice;
        }
        let key = self.chains.with_value(|chains| {
            chains
                .get(device)
                .and_then(|r| r.first())
                .map(|r| r.key.clone())
        });
        let voucher = self
            .authority
            .with_untracked(|a| a.roster.voucher(device, key.as_deref()));
        match (voucher, key) {
            (Voucher::Enrolled, Some(key)) => Signer::Key(key),
            (Voucher::Revoked, _) => Signer::Revoked,
            (Voucher::Demo, _) => Signer::Demo,
            (Voucher::Unenrolled, _) => Signer::Unenrolled,
            (Voucher::Unsigned | Voucher::Enrolled, _) => Signer::Unsigned,
        }
    }
}
