//! What the browser offers (and which browser it is), and what follows for the threads
//! strategy.

/// Capabilities detected once at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// `self.crossOriginIsolated`: the page may share memory with workers.
    pub cross_origin_isolated: bool,
    /// `SharedArrayBuffer` exists.
    pub shared_array_buffer: bool,
    /// This build was compiled with wasm atomics and shared memory.
    pub atomics_build: bool,
    /// `navigator.hardwareConcurrency` (logical cores), at least 1.
    pub cores: u32,
    /// What the loader (`www/boot.js`) found before it chose a build.
    pub boot: Boot,
}

/// What the loader found: how the page was opened and served, and why it chose its build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Boot {
    /// The page is inside a frame (embedded in another page).
    pub framed: bool,
    /// A shared `WebAssembly.Memory` could not be created, so the single-threaded build loaded.
    pub shared_memory_refused: bool,
    /// The isolation headers the server sent, when the page was not isolated (`None`: not
    /// asked, or the request failed).
    pub served: Option<Served>,
    /// What became of the service worker that adds the headers where a host cannot.
    pub service_worker: ServiceWorker,
}

/// Which isolation headers came with the page, each with the value that isolates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Served {
    /// `Cross-Origin-Opener-Policy: same-origin`.
    pub coop: bool,
    /// `Cross-Origin-Embedder-Policy: require-corp` (or `credentialless`).
    pub coep: bool,
    /// `Document-Isolation-Policy: isolate-and-require-corp` (or `isolate-and-credentialless`).
    pub dip: bool,
}

impl Served {
    /// Reads the headers' values as the browser would (`None`: the header was not sent).
    pub fn from_values(coop: Option<&str>, coep: Option<&str>, dip: Option<&str>) -> Self {
        let is = |v: Option<&str>, ok: &[&str]| {
            v.is_some_and(|v| ok.iter().any(|o| v.trim().eq_ignore_ascii_case(o)))
        };
        Served {
            coop: is(coop, &["same-origin"]),
            coep: is(coep, &["require-corp", "credentialless"]),
            dip: is(
                dip,
                &["isolate-and-require-corp", "isolate-and-credentialless"],
            ),
        }
    }
}

/// The service worker that adds the isolation headers (`www/coi-sw.js`), for a top-level page
/// served without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServiceWorker {
    /// Not needed (isolated, or in a frame, where it cannot help).
    #[default]
    NotTried,
    /// This browser offers no service workers here (switched off, a private window, no storage).
    Unavailable,
    /// Registering it failed.
    Failed,
    /// It was registered and the page reloaded once, yet the page is not isolated (a hard
    /// reload bypasses it; the page never reloads twice).
    NotIsolating,
}

impl ServiceWorker {
    /// Parses the loader's word for it (anything unknown: not tried).
    pub fn from_key(key: &str) -> Self {
        match key {
            "unavailable" => ServiceWorker::Unavailable,
            "failed" => ServiceWorker::Failed,
            "not-isolating" => ServiceWorker::NotIsolating,
            _ => ServiceWorker::NotTried,
        }
    }
}

/// What a header is, named as a host would write it.
const COOP: &str = "Cross-Origin-Opener-Policy: same-origin";
const COEP: &str = "Cross-Origin-Embedder-Policy: require-corp";
const DIP: &str = "Document-Isolation-Policy: isolate-and-require-corp";
/// An isolated page without `SharedArrayBuffer`: isolation is not enough in this browser.
const NO_SHARED_ARRAY_BUFFER: &str = "this browser offers no SharedArrayBuffer, even to a cross-origin isolated page (WebKitGTK and WPE WebKit have none yet)";
const BROWSER_WITH_IT: &str =
    "for threads, open it in a browser that has it (Chromium, Firefox, Safari)";
/// What the single-threaded build still offers.
const FALLBACK_LOADED: &str =
    "single-threaded build of the page loaded: sequential, async and processes run here";

impl Capabilities {
    /// The build this page runs: `"threads"` (wasm atomics, shared memory) or `"fallback"`
    /// (single-threaded, for browsers that refuse shared memory).
    pub fn build(&self) -> &'static str {
        if self.atomics_build {
            "threads"
        } else {
            "fallback"
        }
    }

    /// Why threads cannot run here and what to do about it, or `None` when they can.
    pub fn threads_unavailable(&self) -> Option<String> {
        if !self.atomics_build {
            Some(self.single_threaded())
        } else if !self.cross_origin_isolated {
            Some(self.not_isolated())
        } else if !self.shared_array_buffer {
            // WebKitGTK 2.50: isolated, a shared WebAssembly.Memory can be made (so this build
            // loaded and runs), but no SharedArrayBuffer, so the memory cannot reach a worker.
            Some(format!(
                "{NO_SHARED_ARRAY_BUFFER}, and Web Worker threads need it to share the WebAssembly memory: sequential, async and processes run here; {BROWSER_WITH_IT}"
            ))
        } else {
            None
        }
    }

    /// Why the single-threaded build loaded: what the loader found (a shared
    /// `WebAssembly.Memory` refused) together with what the browser offers, since the remedy
    /// differs: isolation where the page lacks it, another browser where isolation is not
    /// enough.
    fn single_threaded(&self) -> String {
        if !self.boot.shared_memory_refused {
            return "this build of the page has no shared-memory threads (it was compiled without wasm atomics)".into();
        }
        if !self.cross_origin_isolated {
            return format!(
                "this browser refuses shared WebAssembly memory to this page, so the {FALLBACK_LOADED}; for threads: {}",
                self.not_isolated()
            );
        }
        if !self.shared_array_buffer {
            return format!(
                "{NO_SHARED_ARRAY_BUFFER}, so it cannot share WebAssembly memory with workers and the {FALLBACK_LOADED}; {BROWSER_WITH_IT}"
            );
        }
        format!(
            "this browser refuses shared WebAssembly memory, so the {FALLBACK_LOADED}; for threads, open it in a browser that shares memory with workers (Chromium, Firefox)"
        )
    }

    /// Why the page is not cross-origin isolated, and what to do.
    fn not_isolated(&self) -> String {
        let boot = &self.boot;
        if boot.framed {
            return match boot.served {
                Some(s) if s.dip => "this page is embedded in a page that is not cross-origin isolated, and this browser does not isolate a frame on its own (Document-Isolation-Policy is Chromium's): open it in the full playground for threads".into(),
                Some(_) => format!("this page is embedded in a page that is not cross-origin isolated, and the frame was served without {DIP}, which isolates a frame on its own in Chromium: open it in the full playground for threads, or serve it with that header"),
                None => format!("this page is embedded in a page that is not cross-origin isolated: open it in the full playground for threads (a frame is isolated on its own only when served with {DIP}, in Chromium)"),
            };
        }
        let headers = match boot.served {
            Some(s) if s.coop && s.coep => {
                "it was served with the isolation headers, but this browser did not isolate it"
                    .to_string()
            }
            Some(s) => {
                let missing: Vec<&str> = [(s.coop, COOP), (s.coep, COEP)]
                    .into_iter()
                    .filter_map(|(sent, name)| (!sent).then_some(name))
                    .collect();
                format!("it was served without {}", missing.join(" and "))
            }
            None => format!("it must be served with {COOP} and {COEP}"),
        };
        let worker = match boot.service_worker {
            ServiceWorker::NotTried => "",
            ServiceWorker::Unavailable => {
                "; the service worker that adds them cannot run here (service workers are off, or this is a private window)"
            }
            ServiceWorker::Failed => "; the service worker that adds them could not be registered",
            ServiceWorker::NotIsolating => {
                "; the service worker that adds them did not isolate it after one reload (a hard reload bypasses it: reload normally)"
            }
        };
        format!(
            "the page is not cross-origin isolated: {headers}{worker}. Host it with those headers (the README's hosting section), or open the hosted playground"
        )
    }

    /// The default pool size: one worker per logical core, within 1..=128.
    pub fn default_pool(&self) -> u32 {
        self.cores
            .clamp(1, crate::model::experiment::params::THREADS_MAX as u32)
    }
}

/// The browser a user agent string names, with its major version: `Chromium 156`,
/// `Firefox 153`, `Safari 18` (WebKit), `Edge 156`; else `an unknown browser`.
pub fn browser_name(user_agent: &str) -> String {
    let version = |token: &str| {
        let at = user_agent.find(token)? + token.len();
        let v: String = user_agent[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!v.is_empty()).then_some(v)
    };
    [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chromium"),
        ("Version/", "Safari"),
    ]
    .iter()
    .find_map(|(token, name)| version(token).map(|v| format!("{name} {v}")))
    .unwrap_or_else(|| "an unknown browser".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> Capabilities {
        Capabilities {
            cross_origin_isolated: true,
            shared_array_buffer: true,
            atomics_build: true,
            cores: 8,
            boot: Boot::default(),
        }
    }

    #[test]
    fn threads_run_when_everything_is_there() {
        assert_eq!(caps().threads_unavailable(), None);
        assert_eq!(caps().default_pool(), 8);
    }

    #[test]
    fn each_missing_piece_is_named() {
        let no_coi = Capabilities {
            cross_origin_isolated: false,
            ..caps()
        };
        assert!(
            no_coi
                .threads_unavailable()
                .unwrap()
                .contains("Cross-Origin-Embedder-Policy")
        );
        let no_sab = Capabilities {
            shared_array_buffer: false,
            ..caps()
        };
        assert!(
            no_sab
                .threads_unavailable()
                .unwrap()
                .contains("SharedArrayBuffer")
        );
        let no_atomics = Capabilities {
            atomics_build: false,
            ..caps()
        };
        assert!(
            no_atomics
                .threads_unavailable()
                .unwrap()
                .contains("atomics")
        );
    }

    #[test]
    fn the_default_pool_is_clamped() {
        assert_eq!(Capabilities { cores: 0, ..caps() }.default_pool(), 1);
        assert_eq!(
            Capabilities {
                cores: 512,
                ..caps()
            }
            .default_pool(),
            128
        );
    }

    fn not_isolated(boot: Boot) -> String {
        Capabilities {
            cross_origin_isolated: false,
            boot,
            ..caps()
        }
        .threads_unavailable()
        .unwrap()
    }

    #[test]
    fn the_headers_a_top_level_page_lacks_are_named() {
        let served = |coop, coep| Boot {
            served: Some(Served {
                coop,
                coep,
                dip: false,
            }),
            ..Boot::default()
        };
        let none = not_isolated(served(false, false));
        assert!(none.contains("served without Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp"), "{none}");
        let no_coep = not_isolated(served(true, false));
        assert!(
            no_coep.contains("served without Cross-Origin-Embedder-Policy"),
            "{no_coep}"
        );
        assert!(!no_coep.contains("Opener"), "{no_coep}");
        assert!(not_isolated(served(true, true)).contains("did not isolate it"));
        assert!(not_isolated(Boot::default()).contains("must be served with"));
    }

    #[test]
    fn the_service_worker_says_what_became_of_it() {
        for (sw, says) in [
            (ServiceWorker::Unavailable, "cannot run here"),
            (ServiceWorker::Failed, "could not be registered"),
            (ServiceWorker::NotIsolating, "after one reload"),
        ] {
            let why = not_isolated(Boot {
                service_worker: sw,
                ..Boot::default()
            });
            assert!(why.contains(says), "{sw:?}: {why}");
            assert!(why.contains("Host it with those headers"), "{why}");
        }
        assert!(!not_isolated(Boot::default()).contains("service worker"));
        assert_eq!(ServiceWorker::from_key("failed"), ServiceWorker::Failed);
        assert_eq!(
            ServiceWorker::from_key("unavailable"),
            ServiceWorker::Unavailable
        );
        assert_eq!(
            ServiceWorker::from_key("not-isolating"),
            ServiceWorker::NotIsolating
        );
        assert_eq!(ServiceWorker::from_key("<script>"), ServiceWorker::NotTried);
    }

    #[test]
    fn a_frame_is_told_about_document_isolation_policy_and_the_full_page() {
        let framed = |served| Boot {
            framed: true,
            served,
            ..Boot::default()
        };
        let without = not_isolated(framed(Some(Served::default())));
        assert!(
            without.contains("served without Document-Isolation-Policy"),
            "{without}"
        );
        assert!(
            without.contains("open it in the full playground"),
            "{without}"
        );
        let with = not_isolated(framed(Some(Served {
            dip: true,
            ..Served::default()
        })));
        assert!(
            with.contains("does not isolate a frame on its own"),
            "{with}"
        );
        assert!(not_isolated(framed(None)).contains("full playground"));
    }

    #[test]
    fn header_values_are_read_as_the_browser_reads_them() {
        let s = Served::from_values(
            Some(" Same-Origin "),
            Some("credentialless"),
            Some("isolate-and-require-corp"),
        );
        assert_eq!(
            s,
            Served {
                coop: true,
                coep: true,
                dip: true
            }
        );
        let s = Served::from_values(Some("same-origin-allow-popups"), Some("unsafe-none"), None);
        assert_eq!(s, Served::default());
    }

    #[test]
    fn the_fallback_build_says_shared_memory_was_refused() {
        let fallback = Capabilities {
            atomics_build: false,
            boot: Boot {
                shared_memory_refused: true,
                ..Boot::default()
            },
            ..caps()
        };
        assert_eq!(fallback.build(), "fallback");
        assert_eq!(caps().build(), "threads");
        let why = fallback.threads_unavailable().unwrap();
        assert!(why.contains("refuses shared WebAssembly memory"), "{why}");
        assert!(why.contains("processes run here"), "{why}");
    }

    #[test]
    fn an_isolated_page_without_shared_array_buffer_runs_all_but_threads() {
        // WebKitGTK 2.50: crossOriginIsolated is true and a shared WebAssembly.Memory can be
        // made, so the threaded build loads; SharedArrayBuffer is absent, so no worker can
        // share that memory, and no header would change it.
        let why = Capabilities {
            shared_array_buffer: false,
            ..caps()
        }
        .threads_unavailable()
        .unwrap();
        assert!(
            why.contains("no SharedArrayBuffer, even to a cross-origin isolated page"),
            "{why}"
        );
        assert!(why.contains("processes run here"), "{why}");
        assert!(why.contains("open it in a browser that has it"), "{why}");
        assert!(!why.contains("served"), "no header is missing: {why}");
    }

    fn fallback(cross_origin_isolated: bool, shared_array_buffer: bool, framed: bool) -> String {
        Capabilities {
            cross_origin_isolated,
            shared_array_buffer,
            atomics_build: false,
            boot: Boot {
                framed,
                shared_memory_refused: true,
                served: Some(Served {
                    coop: true,
                    coep: true,
                    dip: true,
                }),
                ..Boot::default()
            },
            ..caps()
        }
        .threads_unavailable()
        .unwrap()
    }

    #[test]
    fn a_fallback_page_without_shared_array_buffer_is_told_isolation_is_not_enough() {
        // Isolated, no SharedArrayBuffer, and a shared WebAssembly.Memory refused too: the
        // fallback loads, and headers would not help.
        let why = fallback(true, false, false);
        assert!(
            why.contains("no SharedArrayBuffer, even to a cross-origin isolated page"),
            "{why}"
        );
        assert!(why.contains("single-threaded build"), "{why}");
        assert!(why.contains("processes run here"), "{why}");
        assert!(why.contains("open it in a browser that has it"), "{why}");
        assert!(!why.contains("served"), "no header is missing: {why}");
    }

    #[test]
    fn a_page_refused_shared_memory_without_isolation_is_told_why_it_is_not_isolated() {
        let top = fallback(false, false, false);
        assert!(
            top.contains("refuses shared WebAssembly memory to this page"),
            "{top}"
        );
        assert!(top.contains("single-threaded build"), "{top}");
        assert!(top.contains("did not isolate it"), "{top}");
        // In a frame, the reason names the header that isolates one (where a browser has it).
        let framed = fallback(false, false, true);
        assert!(framed.contains("single-threaded build"), "{framed}");
        assert!(
            framed.contains("embedded in a page that is not cross-origin isolated"),
            "{framed}"
        );
        assert!(
            framed.contains("Document-Isolation-Policy is Chromium's"),
            "{framed}"
        );
    }

    #[test]
    fn browsers_are_named_from_their_user_agent() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
                "Chromium 156",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0",
                "Firefox 153",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
                "Safari 18",
            ),
            (
                "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0",
                "Edge 156",
            ),
            ("curl/8", "an unknown browser"),
        ];
        for (ua, name) in cases {
            assert_eq!(browser_name(ua), name, "{ua}");
        }
    }
}
