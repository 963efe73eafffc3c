//! kezek: the rules of Kazakhstan's kindergarten queue (Rules for public services in preschool
//! education, Order No. 254 of 19 June 2020) for the citizen's browser.
//!
//! The crate is a pure domain core, one module per concept, plus a thin [`wasm`] layer that
//! exports it to JavaScript. The core never reads the clock: `today` and `now` are arguments,
//! so every deadline is testable.

pub mod application;
pub mod calendar;
pub mod checklist;
pub mod contract;
pub mod document;
pub mod i18n;
pub mod iin;
mod json;
pub mod queue;
pub mod status;
pub mod tlog;
pub mod wasm;

/// In WebAssembly, talc instead of the default dlmalloc: a smaller allocator (the package's
/// size budget, `scripts/size.sh`), with a cache of small blocks in front ([`small::Cached`]).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: small::Cached = small::Cached::new(talc::wasm::new_wasm_dynamic_allocator());

/// Small blocks kept for reuse in front of talc. A form's check allocates and frees some forty
/// short strings and lists; talc's free, which merges neighbouring gaps, and its allocation by
/// bins were about a sixth of `validateApplication` in WebAssembly. Here a block of at most
/// 256 bytes is freed onto a list of its size class (8, 16, … 256 bytes) and the next request of
/// that class takes it back: a few instructions each way. Those blocks are never given back to
/// talc, so the memory kept is at most the peak of small blocks live at once.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod small {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    const CLASSES: usize = 6;

    pub(crate) struct Cached {
        talc: talc::wasm::WasmDynamicTalc,
        /// The first free block of each class; a free block holds the address of the next.
        free: UnsafeCell<[*mut u8; CLASSES]>,
    }

    // SAFETY: single-threaded WebAssembly only (the `cfg` above), as talc's own cell.
    unsafe impl Sync for Cached {}

    impl Cached {
        pub(crate) const fn new(talc: talc::wasm::WasmDynamicTalc) -> Cached {
            Cached { talc, free: UnsafeCell::new([core::ptr::null_mut(); CLASSES]) }
        }
    }

    /// The class of a layout (block of `8 << class` bytes, 8-aligned), or `None` for talc.
    #[inline(always)]
    fn class(layout: Layout) -> Option<usize> {
        if layout.size() > 8 << (CLASSES - 1) || layout.align() > 8 {
            return None;
        }
        Some((usize::BITS - (layout.size().max(8) - 1).leading_zeros()) as usize - 3)
    }

    unsafe impl GlobalAlloc for Cached {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let Some(c) = class(layout) else { return self.talc.alloc(layout) };
            // SAFETY: single-threaded, and no call here re-enters the allocator while borrowed.
            let free = unsafe { &mut *self.free.get() };
            let head = unsafe { *free.get_unchecked(c) };
            if head.is_null() {
                // SAFETY: 8 << c is a non-zero multiple of 8.
                return unsafe { self.talc.alloc(Layout::from_size_align_unchecked(8 << c, 8)) };
            }
            // SAFETY: a free block of this class holds the next one's address.
            unsafe { *free.get_unchecked_mut(c) = *head.cast::<*mut u8>() };
            head
        }

        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            let Some(c) = class(layout) else { return unsafe { self.talc.dealloc(ptr, layout) } };
            // SAFETY: the block is 8-aligned and at least 8 bytes (its class), and is ours now.
            let free = unsafe { &mut *self.free.get() };
            unsafe {
                *ptr.cast::<*mut u8>() = *free.get_unchecked(c);
                *free.get_unchecked_mut(c) = ptr;
            }
        }
    }
}
