//! A [`DeviceStore`] in memory, for tests: nothing survives the process.

use crate::{DeviceCredentials, DeviceStore, StoreError};
use std::sync::Mutex;

#[derive(Default)]
pub struct MemoryStore {
    device: Mutex<Option<DeviceCredentials>>,
    identifier: Mutex<Option<String>>,
    failure: Option<StoreError>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store that answers `error` to every call (a missing or locked keyring).
    pub fn failing(error: StoreError) -> MemoryStore {
        MemoryStore { failure: Some(error), ..MemoryStore::default() }
    }

    fn check(&self) -> Result<(), StoreError> {
        match &self.failure {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl DeviceStore for MemoryStore {
    fn load_device(&self) -> Result<Option<DeviceCredentials>, StoreError> {
        self.check()?;
        Ok(lock(&self.device).clone())
    }

    fn save_device(&self, creds: &DeviceCredentials) -> Result<(), StoreError> {
        self.check()?;
        *lock(&self.device) = Some(creds.clone());
        Ok(())
    }

    fn forget_device(&self) -> Result<(), StoreError> {
        self.check()?;
        *lock(&self.device) = None;
        Ok(())
    }

    fn check_access(&self) -> Result<(), StoreError> {
        self.check()
    }

    fn remembered_identifier(&self) -> Result<Option<String>, StoreError> {
        self.check()?;
        Ok(lock(&self.identifier).clone())
    }

    fn remember_identifier(&self, identifier: Option<&str>) -> Result<(), StoreError> {
        self.check()?;
        *lock(&self.identifier) = identifier.map(str::to_owned);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use borne_core::Secret;

    fn creds(n: u8) -> DeviceCredentials {
        DeviceCredentials { device_id: format!("{n:032x}"), key: Secret::new(format!("clé-{n}")) }
    }

    #[test]
    fn keeps_replaces_and_forgets_the_device() {
        let s = MemoryStore::new();
        s.check_access().unwrap();
        assert_eq!(s.load_device().unwrap(), None);
        s.save_device(&creds(1)).unwrap();
        assert_eq!(s.load_device().unwrap(), Some(creds(1)));
        s.save_device(&creds(2)).unwrap();
        assert_eq!(s.load_device().unwrap(), Some(creds(2)));
        s.forget_device().unwrap();
        s.forget_device().unwrap();
        assert_eq!(s.load_device().unwrap(), None);
    }

    #[test]
    fn keeps_replaces_and_forgets_the_identifier() {
        let s = MemoryStore::new();
        assert_eq!(s.remembered_identifier().unwrap(), None);
        s.remember_identifier(Some("278036912304534")).unwrap();
        assert_eq!(s.remembered_identifier().unwrap().as_deref(), Some("278036912304534"));
        s.remember_identifier(Some("jeanne.martin@exemple.fr")).unwrap();
        assert_eq!(s.remembered_identifier().unwrap().as_deref(), Some("jeanne.martin@exemple.fr"));
        s.remember_identifier(None).unwrap();
        s.remember_identifier(None).unwrap();
        assert_eq!(s.remembered_identifier().unwrap(), None);
        // The device is another entry.
        assert_eq!(s.load_device().unwrap(), None);
    }

    #[test]
    fn a_failing_store_fails_every_call() {
        let s = MemoryStore::failing(StoreError::Locked);
        assert_eq!(s.load_device().unwrap_err(), StoreError::Locked);
        assert_eq!(s.save_device(&creds(1)).unwrap_err(), StoreError::Locked);
        assert_eq!(s.forget_device().unwrap_err(), StoreError::Locked);
        assert_eq!(s.check_access().unwrap_err(), StoreError::Locked);
        assert_eq!(s.remembered_identifier().unwrap_err(), StoreError::Locked);
        assert_eq!(s.remember_identifier(Some("x")).unwrap_err(), StoreError::Locked);
    }
}
