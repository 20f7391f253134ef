//! What the browser offers, and what follows for the threads strategy.

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
}

impl Capabilities {
    /// Why threads cannot run here, or `None` when they can.
    pub fn threads_unavailable(&self) -> Option<String> {
        if !self.atomics_build {
            Some("this build of the page has no shared-memory threads (it was compiled without wasm atomics)".into())
        } else if !self.cross_origin_isolated {
            Some("the page is not cross-origin isolated: it must be served with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (or, inside an iframe, Document-Isolation-Policy: isolate-and-require-corp)".into())
        } else if !self.shared_array_buffer {
            Some("this browser does not offer SharedArrayBuffer, which Web Worker threads need to share memory".into())
        } else {
            None
        }
    }

    /// The default pool size: one worker per logical core, within 1..=128.
    pub fn default_pool(&self) -> u32 {
        self.cores
            .clamp(1, crate::model::params::THREADS_MAX as u32)
    }
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
}
