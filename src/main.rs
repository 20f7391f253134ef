//! Mounts the playground; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    async_vs_threads::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("async-vs-threads is a web page: build and serve it with `bash .ci/serve.sh`.");
    std::process::exit(2);
}
