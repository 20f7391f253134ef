// The page's own script, loaded by index.html (no inline script: the Content-Security-Policy
// allows scripts from this origin only). Two parts, in order: the error handler, then the loader.
// Before the app mounts, an uncaught error is a failed boot: say why in place of the app
// (most often missing isolation headers). After it mounts, an uncaught error is a panic or
// trap that killed the wasm instance: note it and reload once with the same experiment;
// the app then reports the fault and restores its saved results (src/runtime/faults.rs).
function banner(text) {
  var el = document.getElementById("avt-fatal");
  if (!el) {
    el = document.createElement("p");
    el.id = "avt-fatal";
    el.setAttribute("role", "alert");
    el.setAttribute("data-testid", "fatal");
    document.body.insertBefore(el, document.body.firstChild);
  }
  el.className = "boot failed";
  el.textContent = text;
}
// The tab's sessionStorage, or null where the browser refuses it (storage blocked).
function session() {
  try { return window.sessionStorage; } catch (e) { return null; }
}
function fatal(message) {
  var store = session();
  var panic = store && store.getItem("avt-panic");
  var text = panic || message;
  if (!window.avtMounted) {
    banner(self.crossOriginIsolated
      ? "The playground failed to start: " + text
      : "The playground failed to start: " + text + " (this page is not cross-origin isolated; " +
        "serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)");
    return;
  }
  var last = store ? Number(store.getItem("avt-fault-reload") || 0) : 0;
  if (!store || Date.now() - last < 15000) {
    banner("The playground stopped after a fault: " + text + ". Reload the page to start again.");
    return;
  }
  store.removeItem("avt-panic");
  store.setItem("avt-fault", text);
  store.setItem("avt-fault-at", String(performance.timeOrigin + performance.now()));
  store.setItem("avt-fault-reload", String(Date.now()));
  window.avtMounted = false;
  location.reload();
}
// After mounting, only a trap kills the app (a panic is a trap with a message kept
// first); other uncaught errors (a browser notice, an extension) are left to the console.
function isTrap(error, message) {
  var store = session();
  return !!(store && store.getItem("avt-panic")) || (typeof WebAssembly !== "undefined" && error instanceof WebAssembly.RuntimeError) ||
    /RuntimeError|unreachable/.test(message || "");
}
addEventListener("error", function (e) {
  if (!window.avtMounted || isTrap(e.error, e.message)) fatal(e.message || "unknown error");
});
addEventListener("unhandledrejection", function (e) {
  if (!window.avtMounted || isTrap(e.reason, String(e.reason))) fatal(String(e.reason));
});

// The loader. Trunk wrote where each build's files are (the JSON elements in <head>;
// .ci/build.sh adds the fallback's); nothing is preloaded, so only the build chosen here
// is downloaded. What it finds is kept in window.avtBoot for the app to explain
// (src/runtime/caps.rs).
(async function () {
  var framed = true;
  try { framed = window.top !== window.self; } catch (e) {}
  var boot = (window.avtBoot = { sharedMemory: false, served: null, serviceWorker: "none" });
  var store = session();
  // 1. A top-level page served without the isolation headers (GitHub Pages cannot set
  //    any): a service worker adds them to every response, which takes one reload. The
  //    reload happens once per tab session, so it never loops.
  if (!self.crossOriginIsolated && !framed) {
    if (!("serviceWorker" in navigator) || !store) {
      boot.serviceWorker = "unavailable";
    } else if (navigator.serviceWorker.controller || store.getItem("avt-coi-reload")) {
      boot.serviceWorker = "not-isolating";
    } else {
      try {
        // Registration can hang where service workers are blocked: give up after 5 s.
        await Promise.race([
          navigator.serviceWorker.register("coi-sw.js").then(function () { return navigator.serviceWorker.ready; }),
          new Promise(function (_, reject) { setTimeout(reject, 5000, new Error("timed out")); }),
        ]);
        store.setItem("avt-coi-reload", String(Date.now()));
        location.reload();
        return;
      } catch (e) {
        boot.serviceWorker = "failed";
      }
    }
  }
  // 2. Not isolated: which headers did the server send? (The app names what is missing.)
  var served = self.crossOriginIsolated ? null : fetch(location.href, { method: "HEAD", cache: "no-store" })
    .then(function (r) {
      return {
        coop: r.headers.get("Cross-Origin-Opener-Policy"),
        coep: r.headers.get("Cross-Origin-Embedder-Policy"),
        dip: r.headers.get("Document-Isolation-Policy"),
      };
    }, function () { return null; });
  // 3. The threaded build imports a shared memory: where one cannot be made, it could not
  //    even start, so the single-threaded build loads instead.
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    boot.sharedMemory = true;
  } catch (e) {}
  boot.build = boot.sharedMemory ? "threads" : "fallback";
  var files = JSON.parse(document.getElementById("avt-build-" + boot.build).textContent);
  // The wasm is requested now, beside its JS, not once the JS and the snippets it imports
  // have arrived, so its download waits for none of them; it compiles as it streams in.
  var wasm = fetch(files.wasm);
  var loaded = await Promise.all([import(files.js), served]);
  boot.served = loaded[1];
  await loaded[0].default({ module_or_path: wasm });
})();
