//! "Show the code": the Rust that ran each strategy, cut from the executors' sources as
//! compiled into this build (between `// show-code: NAME` and `// end show-code: NAME`), and
//! its Python twin, the twin script's function between `# show-code: KEY` and
//! `# end show-code: KEY`. Only the chunk of extras reaches [`rust`], so the sources' text
//! stays out of the module the page starts with.

use crate::model::experiment::params::Strategy;

/// What no excerpt shows, and where it lives.
pub const NOT_SHOWN: &str = "Not shown: the async scheduler (src/runtime/event_loop.rs, a ready queue driven by one spawn_local task, asyncio's _run_once), the timer queue (src/runtime/timer.rs, one setTimeout for the earliest deadline), the worker pool (src/runtime/pool.rs and pool.js), the GIL's switching rules (src/model/run/gil.rs) and each task's steps (src/model/run/interpreter.rs: wait, compute in slices, yield).";

/// What the twin's functions call and the page does not show: their plumbing.
pub const PYTHON_NOT_SHOWN: &str = "Not shown of the twin: Task (a task's steps, the kernel, its clock and record), Run.spawn (asyncio.create_task for each coroutine, counting its wake-ups), switch_interval (sys.setswitchinterval, restored after), TimedProcessPool (a ProcessPoolExecutor that times each worker's start-up and reads its resident memory), and the lag probe. They are in the same file.";

/// An executor's source file, as compiled into this build.
struct Source {
    path: &'static str,
    text: &'static str,
}

macro_rules! source {
    ($file:literal) => {
        Source {
            path: concat!("src/runtime/executors/", $file),
            text: include_str!(concat!("../../runtime/executors/", $file)),
        }
    };
}

/// The excerpts that show a strategy: (file, marker), in reading order.
fn excerpts(strategy: Strategy) -> &'static [(&'static str, &'static str)] {
    const MAIN: (&str, &str) = ("main_run.rs", "run_on_main");
    const RUN_TASK: (&str, &str) = ("threads.rs", "run_task");
    match strategy {
        Strategy::Sequential => &[("sequential.rs", "sequential"), MAIN],
        Strategy::Async => &[("async_tasks.rs", "async"), MAIN],
        Strategy::Executor => &[
            ("async_tasks.rs", "async"),
            MAIN,
            ("run_in_executor.rs", "offload"),
        ],
        Strategy::Threads => &[("threads.rs", "threads"), RUN_TASK],
        Strategy::Gil => &[("gil.rs", "gil"), ("threads.rs", "threads"), RUN_TASK],
        Strategy::Processes => &[("processes.rs", "processes")],
    }
}

/// The text between the line `open` and the line `close`, without them; `None` unless each
/// is there once, in that order.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let line_at = |marker: &str| {
        let mut at = text.match_indices(marker).filter(|(i, _)| {
            (*i == 0 || text.as_bytes()[i - 1] == b'\n')
                && text[i + marker.len()..].starts_with(['\n', '\r'])
        });
        let first = at.next()?.0;
        at.next().is_none().then_some(first)
    };
    let (start, end) = (line_at(open)?, line_at(close)?);
    let body = start + open.len() + 1;
    (body <= end).then(|| &text[body..end])
}

/// The Rust that runs `strategy`: (file, excerpt) in reading order.
///
/// # Errors
/// An excerpt whose markers are missing (a test holds every one to being there).
pub fn rust(strategy: Strategy) -> Result<Vec<(&'static str, &'static str)>, String> {
    let sources = [
        source!("sequential.rs"),
        source!("async_tasks.rs"),
        source!("main_run.rs"),
        source!("run_in_executor.rs"),
        source!("threads.rs"),
        source!("gil.rs"),
        source!("processes.rs"),
    ];
    excerpts(strategy)
        .iter()
        .map(|(file, name)| {
            let source = sources
                .iter()
                .find(|s| s.path.ends_with(file))
                .ok_or_else(|| format!("no source {file}"))?;
            let open = format!("// show-code: {name}");
            let close = format!("// end show-code: {name}");
            between(source.text, &open, &close)
                .map(|text| (source.path, text))
                .ok_or_else(|| format!("{} has no excerpt “{name}”", source.path))
        })
        .collect()
}

/// The twin script's functions for `strategy`, in reading order (Threads + GIL is the
/// threads' code, run with the GIL); `None` if one is missing.
pub fn python(script: &str, strategy: Strategy) -> Option<Vec<&str>> {
    let keys: &[&str] = match strategy {
        Strategy::Sequential => &["sequential"],
        Strategy::Async => &["async"],
        Strategy::Threads => &["threads"],
        Strategy::Gil => &["gil", "threads"],
        Strategy::Executor => &["executor"],
        Strategy::Processes => &["processes"],
    };
    keys.iter()
        .map(|key| {
            between(
                script,
                &format!("# show-code: {key}"),
                &format!("# end show-code: {key}"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_shows_its_rust() {
        for s in Strategy::ALL {
            let parts = rust(s).unwrap();
            assert!(!parts.is_empty());
            for (path, text) in parts {
                assert!(text.contains("fn "), "{path} for {}", s.key());
                assert!(!text.contains("show-code"), "{path}: markers cut off");
            }
        }
    }

    #[test]
    fn every_strategy_shows_its_python() {
        let script = include_str!("../../../www/async_vs_threads.py");
        for s in Strategy::ALL {
            let parts = python(script, s).unwrap_or_else(|| panic!("{}", s.key()));
            assert!(parts[0].contains("def run_"), "{}", s.key());
        }
        assert_eq!(python(script, Strategy::Gil).unwrap().len(), 2);
        assert_eq!(python("def f(): pass\n", Strategy::Async), None);
    }

    #[test]
    fn markers_are_whole_lines_there_once_in_order() {
        let text = "a\n// show-code: x\nfn x() {}\n// end show-code: x\n";
        assert_eq!(
            between(text, "// show-code: x", "// end show-code: x"),
            Some("fn x() {}\n")
        );
        let twice = format!("{text}// show-code: x\n");
        assert_eq!(
            between(&twice, "// show-code: x", "// end show-code: x"),
            None
        );
        let reversed = "// end show-code: x\n// show-code: x\n";
        assert_eq!(
            between(reversed, "// show-code: x", "// end show-code: x"),
            None
        );
        let inline = "let s = \"// show-code: x\";\n// end show-code: x\n";
        assert_eq!(
            between(inline, "// show-code: x", "// end show-code: x"),
            None
        );
    }
}
