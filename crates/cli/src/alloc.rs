//! Memory for the whole process from mimalloc: Rust's allocations (the global allocator) and
//! SQLite's own, which otherwise go to the C library's malloc (about 2 % of an import's CPU
//! time, in SQLite's thread, in malloc, free and their consolidation).

use libmimalloc_sys as mi;
use std::ffi::{c_int, c_void};

/// mimalloc's `mi_option_purge_delay` (its place in mimalloc 3's option list). Checked
/// against the documented default before it is set, so a renumbered list leaves it alone.
const PURGE_DELAY: mi::mi_option_t = 15;
const PURGE_DELAY_DEFAULT: std::ffi::c_long = 10;

/// Set up before anything else runs (no thread started, no database opened). Returns whether
/// SQLite took mimalloc (said in the log once logging is set up).
pub fn init() -> bool {
    // Memory a bulk import frees (a search segment's 100 MB of postings, a batch of rows) is
    // needed again a moment later: returned to the system after 10 ms, every page of it was
    // faulted in and zeroed again. Kept for a second instead.
    // SAFETY: plain option calls into the linked mimalloc.
    unsafe {
        if mi::mi_option_get(PURGE_DELAY) == PURGE_DELAY_DEFAULT {
            mi::mi_option_set(PURGE_DELAY, 1_000);
        }
    }
    sqlite_uses_mimalloc()
}

unsafe extern "C" fn sqlite_malloc(n: c_int) -> *mut c_void {
    // SAFETY: mimalloc's malloc; SQLite never asks for a negative size.
    unsafe { mi::mi_malloc(n.max(0) as usize) }
}

unsafe extern "C" fn sqlite_free(p: *mut c_void) {
    // SAFETY: `p` came from `sqlite_malloc` or `sqlite_realloc`.
    unsafe { mi::mi_free(p) }
}

unsafe extern "C" fn sqlite_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: as above.
    unsafe { mi::mi_realloc(p, n.max(0) as usize) }
}

unsafe extern "C" fn sqlite_size(p: *mut c_void) -> c_int {
    // SAFETY: as above.
    unsafe { mi::mi_usable_size(p).min(c_int::MAX as usize) as c_int }
}

unsafe extern "C" fn sqlite_roundup(n: c_int) -> c_int {
    // SAFETY: a pure size computation.
    unsafe { mi::mi_good_size(n.max(0) as usize).min(c_int::MAX as usize) as c_int }
}

unsafe extern "C" fn sqlite_init(_: *mut c_void) -> c_int {
    libsqlite3_sys::SQLITE_OK
}

unsafe extern "C" fn sqlite_shutdown(_: *mut c_void) {}

/// SQLite's allocator table (a plain C struct; its one pointer is unused and null).
struct Methods(libsqlite3_sys::sqlite3_mem_methods);
// SAFETY: never written after it is made; SQLite only reads it (it copies it at config).
unsafe impl Sync for Methods {}

static SQLITE_MEMORY: Methods = Methods(libsqlite3_sys::sqlite3_mem_methods {
    xMalloc: Some(sqlite_malloc),
    xFree: Some(sqlite_free),
    xRealloc: Some(sqlite_realloc),
    xSize: Some(sqlite_size),
    xRoundup: Some(sqlite_roundup),
    xInit: Some(sqlite_init),
    xShutdown: Some(sqlite_shutdown),
    pAppData: std::ptr::null_mut(),
});

/// Give SQLite mimalloc. Must run before SQLite is first used (it is then refused, and SQLite
/// keeps the C library's malloc: slower, nothing else).
fn sqlite_uses_mimalloc() -> bool {
    // SAFETY: called once, from `main` before any other thread exists or any connection is
    // opened; the methods live for the whole process.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_config(
            libsqlite3_sys::SQLITE_CONFIG_MALLOC,
            &SQLITE_MEMORY.0 as *const libsqlite3_sys::sqlite3_mem_methods,
        )
    };
    rc == libsqlite3_sys::SQLITE_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_freed_memory_are_mimallocs() {
        init();
        // SAFETY: option read; a SQLite allocation made and freed.
        unsafe {
            assert_eq!(mi::mi_option_get(PURGE_DELAY), 1_000);
            let p = libsqlite3_sys::sqlite3_malloc(1_000);
            assert!(!p.is_null());
            assert!(mi::mi_is_in_heap_region(p), "SQLite did not take mimalloc");
            libsqlite3_sys::sqlite3_free(p);
        }
    }
}
