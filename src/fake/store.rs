//! The company's mutable records: the writes change them while reads list them, so
//! each sits behind its own lock. A poisoned lock still holds whole
//! records (every write builds its record before it takes the lock), so it is used.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::absence_data::Absence;
use super::attendance_data::Attendance;
use super::company::Company;
use super::AppState;

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    /// The company as it is now; a write after this call does not change it.
    pub(crate) fn company(&self) -> Arc<Company> {
        read(&self.company).clone()
    }

    /// Changes the company for every later read (copied first while a read holds it).
    pub(crate) fn change_company<T>(&self, change: impl FnOnce(&mut Company) -> T) -> T {
        change(Arc::make_mut(&mut write(&self.company)))
    }

    pub(crate) fn attendances(&self) -> RwLockReadGuard<'_, Vec<Attendance>> {
        read(&self.attendances)
    }

    pub(crate) fn attendances_mut(&self) -> RwLockWriteGuard<'_, Vec<Attendance>> {
        write(&self.attendances)
    }

    pub(crate) fn absences(&self) -> RwLockReadGuard<'_, Vec<Absence>> {
        read(&self.absences)
    }

    pub(crate) fn absences_mut(&self) -> RwLockWriteGuard<'_, Vec<Absence>> {
        write(&self.absences)
    }
}
