//! Customers' personal data on this device: opening the vault at start-up,
//! unlocking with the passphrase, setting it, locking (`web::vault` does
//! the cryptography).

use super::*;

/// What start-up learnt of the vault while the log was read.
pub(super) enum VaultAtStart {
    /// No vault (localStorage, no Web Crypto, a damaged record): why, and
    /// the record if there is one.
    Unavailable(String, Option<VaultRecord>),
    /// Kept under a passphrase: the device starts locked.
    Locked(VaultRecord),
    /// Kept open: personal data is opened as it is read.
    Open(VaultRecord, Opener),
}

/// Reads (or makes) the device's vault and its keys, beside the log's
/// reading: with the opener known, `opening` opens each segment's
/// sealed data as it is read. Nothing is shown until `finish_vault`.
pub(super) async fn prepare_vault(store: &Store, opening: &OpenAsRead) -> VaultAtStart {
    if store.is_fallback() {
        return VaultAtStart::Unavailable("localStorage".into(), None);
    }
    let record = match store.vault().await {
        Ok(Some(record)) => Ok(record),
        Ok(None) => match vault::create().await {
            Ok((record, _, _)) => store
                .save_vault(&record)
                .await
                .map(|()| record)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(e.to_string()),
    };
    let record = match record {
        Ok(record) => record,
        Err(why) => return VaultAtStart::Unavailable(why, None),
    };
    match record.sealer().await {
        Ok(sealer) => store.set_sealer(sealer),
        Err(e) => return VaultAtStart::Unavailable(e.to_string(), None),
    }
    match record.open_without_passphrase().await {
        Ok(Some(opener)) => {
            opening.open_with(opener.clone());
            VaultAtStart::Open(record, opener)
        }
        Ok(None) => VaultAtStart::Locked(record),
        Err(e) => VaultAtStart::Unavailable(e.to_string(), Some(record)),
    }
}

impl Data {
    /// Once the log is read: puts customers' data back into `events` (a
    /// vault without passphrase), or keeps it sealed for `unlock` (one
    /// with), and says which.
    pub(super) async fn finish_vault(
        self,
        store: &Store,
        at_start: VaultAtStart,
        opening: OpenAsRead,
        events: &mut Log,
    ) {
        let record = match at_start {
            VaultAtStart::Unavailable(why, record) => {
                self.vault.set(VaultState::Unavailable(why));
                record
            }
            VaultAtStart::Locked(record) => {
                self.sealed.set_value(opening.unopened());
                self.vault.set(VaultState::Locked);
                Some(record)
            }
            VaultAtStart::Open(record, opener) => {
                match opening.finish().await {
                    Ok(data) => {
                        let _restoring = Phase::start("start: open customers' data: restore");
                        crate::domain::personal::restore(events.iter_mut(), &data);
                        store.set_opener(opener);
                        self.vault.set(VaultState::Unprotected);
                    }
                    Err(e) => self.vault.set(VaultState::Unavailable(e.to_string())),
                }
                Some(record)
            }
        };
        if record.is_some() {
            self.vault_record.set_value(record);
        }
    }

    /// Opens customers' data with the device's passphrase, for this session.
    pub async fn unlock(self, passphrase: &str) -> Result<(), StoreError> {
        // The form shows before the start-up read has ended: wait for it.
        self.store_read().await;
        let (Some(record), Some(store)) = (self.vault_record.get_value(), self.store.get_value())
        else {
            return Err(StoreError::NotReady);
        };
        let opener = record.unlock(passphrase).await.map_err(|e| match e {
            vault::VaultError::WrongPassphrase => StoreError::WrongPassphrase,
            other => StoreError::Damaged(other.to_string()),
        })?;
        let sealed = self.sealed.get_value();
        let data = vault::open_personal(&opener, &sealed)
            .await
            .map_err(|e| StoreError::Damaged(e.to_string()))?;
        // Restored in place: only a block an export holds is copied.
        let mut events = self
            .events
            .try_update_untracked(std::mem::take)
            .unwrap_or_default();
        crate::domain::personal::restore(events.iter_mut(), &data);
        store.set_opener(opener);
        self.sealed.set_value(Vec::new());
        self.set_events(events, false);
        self.vault.set(VaultState::Unlocked);
        Ok(())
    }

    /// Sets (or changes) the passphrase that keeps the vault's key.
    pub async fn set_passphrase(self, current: &str, new: &str) -> Result<(), StoreError> {
        self.store_read().await;
        if !self.writes() {
            return Err(StoreError::OtherTab);
        }
        let (Some(record), Some(store)) = (self.vault_record.get_value(), self.store.get_value())
        else {
            return Err(StoreError::NotReady);
        };
        let old = record.has_passphrase().then_some(current);
        let protected = record
            .with_passphrase(old, new)
            .await
            .map_err(|e| match e {
                vault::VaultError::WrongPassphrase => StoreError::WrongPassphrase,
                other => StoreError::Failed(other.to_string()),
            })?;
        store.save_vault(&protected).await?;
        self.vault_record.set_value(Some(protected));
        if self.vault.get_untracked() == VaultState::Unprotected {
            self.vault.set(VaultState::Unlocked);
        }
        Ok(())
    }

    /// Locks customers' data now: the page starts again, holding no key and
    /// no personal data in memory (every save is complete before "saved").
    pub fn lock_now(self) {
        let _ = window().location().reload();
    }

    /// This app takes customers' complaints while locked (the kiosk).
    pub fn allow_writes_while_locked(self) {
        self.writes_while_locked.set_value(true);
    }

    pub(super) fn refuses_writes(self) -> bool {
        self.vault.get_untracked() == VaultState::Locked && !self.writes_while_locked.get_value()
    }
}
