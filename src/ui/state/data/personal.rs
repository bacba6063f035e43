//! Customers' personal data on this device: opening the vault at start-up,
//! unlocking with the passphrase, setting it, locking (`web::vault` does
//! the cryptography).

use super::*;

impl Data {
    /// Opens (or makes) the device's vault: from now on personal data is
    /// sealed as it is written; without a passphrase it is opened at once,
    /// with one the device starts locked, the sealed data kept for `unlock`.
    pub(super) async fn open_vault(self, store: &Store, sealed: Vec<Sealed>, events: &mut Log) {
        if store.is_fallback() {
            self.vault
                .set(VaultState::Unavailable("localStorage".into()));
            return;
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
            Err(why) => {
                self.vault.set(VaultState::Unavailable(why));
                return;
            }
        };
        match record.sealer().await {
            Ok(sealer) => store.set_sealer(sealer),
            Err(e) => {
                self.vault.set(VaultState::Unavailable(e.to_string()));
                return;
            }
        }
        let opened = match record.open_without_passphrase().await {
            Ok(Some(opener)) => vault::open_personal(&opener, &sealed)
                .await
                .map(|data| (opener, data)),
            Ok(None) => {
                self.sealed.set_value(sealed);
                self.vault_record.set_value(Some(record));
                self.vault.set(VaultState::Locked);
                return;
            }
            Err(e) => Err(e),
        };
        match opened {
            Ok((opener, data)) => {
                let _restoring = Phase::start("start: open customers' data: restore");
                crate::domain::personal::restore(events.iter_mut(), &data);
                store.set_opener(opener);
                self.vault.set(VaultState::Unprotected);
            }
            Err(e) => self.vault.set(VaultState::Unavailable(e.to_string())),
        }
        self.vault_record.set_value(Some(record));
    }

    /// Opens customers' data with the device's passphrase, for this session.
    pub async fn unlock(self, passphrase: &str) -> Result<(), StoreError> {
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
