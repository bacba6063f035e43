//! How many bytes the wasm module's allocator hands out: live now, and the
//! most at once during a phase ([`crate::web::trace::Phase`] records it with
//! its measure). Wasm memory only grows, so its size says the worst moment
//! ever; these counts say what was alive then, which is what a change to
//! the pull or the import must lower; and which large allocations made the
//! memory grow. The cost is a few instructions per allocation (the module
//! is single-threaded).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The most live bytes since the innermost phase began.
static WINDOW_PEAK: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The allocations that made wasm memory grow since the last phase was
/// recorded: (size asked for, live bytes then, memory's size after), the
/// first 64 — which allocations, at which moment, set the high-water mark.
static GROWTHS: std::sync::Mutex<Vec<(usize, usize, usize)>> = std::sync::Mutex::new(Vec::new());
static PAGES: AtomicUsize = AtomicUsize::new(0);

/// Notes an allocation of `size` that grew wasm memory: one of 64 KB or
/// more (a small one that crossed a page is not the cause worth naming).
fn note_growth(size: usize) {
    let pages = core::arch::wasm32::memory_size(0);
    if pages != PAGES.swap(pages, Relaxed) && size >= 1 << 16 {
        // `try_lock`: the list's own growth comes back here.
        if let Ok(mut list) = GROWTHS.try_lock() {
            if list.len() < list.capacity() {
                list.push((size, LIVE.load(Relaxed), pages * 65_536));
            }
        }
    }
}

/// Takes the growths noted so far.
pub fn take_growths() -> Vec<(usize, usize, usize)> {
    let Ok(mut list) = GROWTHS.try_lock() else {
        return Vec::new();
    };
    let taken = list.clone();
    list.clear();
    if list.capacity() == 0 {
        list.reserve_exact(64);
    }
    taken
}

fn grew(by: usize) {
    note_growth(by);
    let live = LIVE.fetch_add(by, Relaxed) + by;
    if live > WINDOW_PEAK.load(Relaxed) {
        WINDOW_PEAK.store(live, Relaxed);
    }
}

// SAFETY: every call is passed to the system allocator unchanged; only
// the counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            // A move holds both blocks for a moment.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        p
    }
}

/// Bytes allocated and not yet freed.
pub fn live() -> usize {
    LIVE.load(Relaxed)
}

/// Starts a window for a phase: returns the enclosing window's peak so far,
/// to be handed back to [`close_window`].
pub fn open_window() -> usize {
    WINDOW_PEAK.swap(live(), Relaxed)
}

/// Ends a phase's window: its peak; the enclosing window keeps the larger.
pub fn close_window(outer: usize) -> usize {
    let peak = WINDOW_PEAK.load(Relaxed);
    WINDOW_PEAK.store(outer.max(peak), Relaxed);
    peak
}
