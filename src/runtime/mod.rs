//! The browser runtime: the only code that touches browser APIs.
//!
//! It owns the shared clock (`clock`), timers and yielding on the event loop (`timer`), the
//! main-thread responsiveness probe (`probe`), capability detection (`caps`), the URL
//! (`location`), running and measuring a run (`exec`), the strategies' executors, one file
//! each (`executors`), what a run shares with them (`run_shared`) and the Web Worker pool
//! (`pool`). The pool is one module: a build without atomics swaps in a stand-in that
//! reports why threads are unavailable, without touching `model/` or `ui/`.
//!
//! The module is compiled on every target, but natively it holds only [`event_loop`], the
//! async scheduler: it reads time through the model's `Clock` and locks `wasm_sync`'s mutexes
//! (`std`'s off wasm), so the crate's only `unsafe` is unit-tested natively and under Miri.
//! Everything else here needs a browser and sits in one `cfg_browser!` group (as tokio
//! groups its optional modules with `cfg_rt!`), so a native build cannot reach `web_sys` by
//! accident: the browser crates are not even its dependencies.

/// Items compiled only where there is a browser (wasm32): every module of the runtime but the
/// portable scheduler.
macro_rules! cfg_browser {
    ($($item:item)*) => {
        $(
            #[cfg(target_arch = "wasm32")]
            $item
        )*
    };
}

pub mod event_loop;

cfg_browser! {
    #[cfg(all(not(target_feature = "atomics"), not(feature = "no-threads")))]
    compile_error!(
        "This wasm build lacks atomics, so Web Worker threads cannot share memory. Build through \
         Trunk with the repository's .cargo/config.toml (it adds +atomics and the shared-memory \
         link args) and CARGO_UNSTABLE_BUILD_STD=panic_abort,std on the pinned nightly, or enable \
         the `no-threads` feature for a single-threaded build."
    );

    pub mod alloc;
    pub mod canvas;
    pub mod caps;
    pub mod clock;
    pub mod counters;
    pub mod demos;
    pub mod dom;
    pub mod embed;
    pub mod exec;
    pub mod executors;
    pub mod faults;
    pub mod files;
    pub mod frames;
    pub mod location;
    pub mod memory;
    pub mod probe;
    pub mod records;
    pub mod run_shared;
    pub mod storage;
    pub mod timer;
    pub mod visibility;

    #[cfg(target_feature = "atomics")]
    pub mod pool;

    #[cfg(not(target_feature = "atomics"))]
    #[path = "pool_unavailable.rs"]
    pub mod pool;

    /// A JS exception's message, for the page.
    pub(crate) fn js_message(e: &wasm_bindgen::JsValue) -> String {
        use wasm_bindgen::JsCast;
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            // Any other thrown value as JSON (not its `Debug`, which release builds leave out:
            // `-Zfmt-debug=none` in Cargo.toml).
            .or_else(|| js_sys::JSON::stringify(e).ok().and_then(|s| s.as_string()))
            .unwrap_or_else(|| "a thrown value that is neither an Error nor JSON".into())
    }
}
