//! The extension's allocator: mimalloc, told to commit its arenas as they fill and to
//! give back what a read freed once the read is done.
//!
//! Pages are parsed on several threads at once, where glibc's allocator showed up as a
//! fifth of the conversion time; mimalloc serves Rust's allocations only. By default it
//! commits a whole arena up front, which a 20,000-employee read paid for with about
//! 30 MiB more peak RSS. It also keeps freed memory for 10 ms before giving it back, and
//! only when it is next called: after a read, the pandas frame built next stacked its
//! peak on that (up to 40 MiB more). Giving memory back at once throughout (a purge
//! delay of 0) was tried on loopback: the read alone peaked about 30 MiB lower, the read
//! and its pandas frame 5 MiB lower, and the read was a fifth slower, since every page
//! body then faults in fresh, zeroed memory. Under Personio's limits pages come further
//! apart than the delay, so it would change little there.

use std::ffi::{c_int, c_long};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Option number of `mi_option_e` in mimalloc.h (the same in its v2 and v3).
const ARENA_EAGER_COMMIT: c_int = 4;

unsafe extern "C" {
    /// mimalloc's own setter; the library is linked in by the `mimalloc` crate.
    fn mi_option_set(option: c_int, value: c_long);
    /// Frees what mimalloc holds unused; `force` gives it back to the system at once.
    fn mi_collect(force: bool);
}

/// Commits arenas as they fill, unless the user set `MIMALLOC_ARENA_EAGER_COMMIT`
/// (mimalloc reads its variables itself).
pub fn commit_as_needed() {
    if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_none() {
        // SAFETY: sets a plain integer option; mimalloc reads it atomically.
        unsafe { mi_option_set(ARENA_EAGER_COMMIT, 0) };
    }
}

/// Gives the memory a finished read freed back to the system now rather than after the
/// purge delay: what comes next (a pandas frame, say) allocates with another allocator,
/// and would otherwise stack its peak on top of the read's.
pub fn give_back_freed() {
    // SAFETY: takes no pointer; mimalloc collects the calling thread's heap and purges
    // what its arenas hold free.
    unsafe { mi_collect(true) };
}
