//! The counting allocator: the default allocator, plus two atomic counters (live bytes and
//! live allocations) that the memory panel reads before, during and after an experiment.
//!
//! Every thread allocates from the one shared wasm heap, workers too (their stacks and
//! thread-locals are allocated here when they start, see `model::memory`), so the counters
//! are global. They count the bytes asked for, not the allocator's own headers and free
//! lists, and never shrink the wasm memory (which cannot shrink): they say what is held, the
//! memory's size says what was ever committed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::memory::Heap;

/// [`System`] (dlmalloc on wasm32) with live counters; one relaxed add per call.
pub struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE_ALLOCS: AtomicUsize = AtomicUsize::new(0);
/// The most live bytes since [`reset_peak`]: a load and a compare per allocation, no atomic
/// maximum (two threads growing at once may leave the lower of their figures).
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static GLOBAL: Counting = Counting;

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            counted(layout.size() as isize, 1);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            counted(layout.size() as isize, 1);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        counted(-(layout.size() as isize), -1);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promised for `ptr`, `layout` and `new_size`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            counted(new_size as isize - layout.size() as isize, 0);
        }
        p
    }
}

#[inline]
fn counted(bytes: isize, allocs: isize) {
    let live = LIVE_BYTES
        .fetch_add(bytes as usize, Ordering::Relaxed)
        .wrapping_add(bytes as usize);
    if bytes > 0 && live > PEAK_BYTES.load(Ordering::Relaxed) {
        PEAK_BYTES.store(live, Ordering::Relaxed);
    }
    if allocs != 0 {
        LIVE_ALLOCS.fetch_add(allocs as usize, Ordering::Relaxed);
    }
}

/// The most the heap held since the last [`reset_peak`], bytes.
pub fn peak_bytes() -> u64 {
    PEAK_BYTES.load(Ordering::Relaxed) as u64
}

/// Starts a new peak from what the heap holds now (a run does, as it starts).
pub fn reset_peak() {
    PEAK_BYTES.store(LIVE_BYTES.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// What the heap holds now, on every thread.
pub fn heap() -> Heap {
    Heap {
        bytes: LIVE_BYTES.load(Ordering::Relaxed) as u64,
        allocs: LIVE_ALLOCS.load(Ordering::Relaxed) as u64,
    }
}
