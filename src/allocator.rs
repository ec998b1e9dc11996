//! The extension's allocator: mimalloc, told to commit its arenas as they fill.
//!
//! Pages are parsed on several threads at once, where glibc's allocator showed up as a
//! fifth of the conversion time; mimalloc serves Rust's allocations only. By default it
//! commits a whole arena up front, which a 20,000-employee read paid for with about
//! 30 MiB more peak RSS. Giving freed memory back at once (`purge_delay` 0) was tried
//! too: it saved no more than 7 MiB there and cost a fifth of the read's time, since
//! every page body then faults in fresh, zeroed memory.

use std::ffi::{c_int, c_long};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Option number of `mi_option_e` in mimalloc.h (the same in its v2 and v3).
const ARENA_EAGER_COMMIT: c_int = 4;

unsafe extern "C" {
    /// mimalloc's own setter; the library is linked in by the `mimalloc` crate.
    fn mi_option_set(option: c_int, value: c_long);
}

/// Commits arenas as they fill, unless the user set `MIMALLOC_ARENA_EAGER_COMMIT`
/// (mimalloc reads its variables itself).
pub fn commit_as_needed() {
    if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none() {
        // SAFETY: sets a plain integer option; mimalloc reads it atomically.
        unsafe { mi_option_set(ARENA_EAGER_COMMIT, 0) };
    }
}
