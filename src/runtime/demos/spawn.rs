//! Waits in the browser, each way of `model::demos::spawn`: timers awaited by async tasks,
//! async tasks that hold the main thread for their wait, a real blocking wait on each of the
//! pool's workers, and a Web Worker per task started, blocking in `Atomics.wait` and
//! terminated inside the timed run (the pool is not touched). Each run ends with a tick of
//! the responsiveness probe, so a stall that ended with it is on record.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;

use super::{busy_us, join, on_pool, workers_for};
use crate::model::demos::spawn::{Started, WaitRun, Way};
use crate::model::format;
use crate::model::run::stats::PROBE_INTERVAL_MS;
use crate::runtime::clock::now_ms;
use crate::runtime::event_loop::TaskSet;
use crate::runtime::js_message;
use crate::runtime::timer::{sleep, within};
use crate::runtime::{files, probe};

/// A task's thread: says it runs, blocks for the wait it was sent, says it is done. Where
/// the page may not share memory it has no `SharedArrayBuffer` to wait on, and says so.
const WAITER_JS: &str = "onmessage = (e) => {
  if (typeof SharedArrayBuffer !== 'function') { postMessage('no'); return; }
  postMessage(0);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, e.data);
  postMessage(1);
};";

/// How long the threads may take beyond their wait before the run gives up, ms.
const THREADS_LIMIT_MS: f64 = 10_000.0;

/// `tasks` waits of `wait_ms`, the way `way` makes them, timed from the first to the last
/// done, with the main thread's longest stall meanwhile.
///
/// # Errors
/// Why threads could not run here (for [`Way::Pool`] and [`Way::ThreadPerTask`]).
pub async fn run(way: Way, tasks: u32, wait_ms: u32) -> Result<WaitRun, String> {
    let wait = f64::from(wait_ms);
    let t0 = now_ms();
    let (threads, at_once) = match way {
        Way::Awaited => {
            on_loop(tasks, move || Box::pin(async move { sleep(wait).await })).await;
            (Vec::new(), tasks)
        }
        Way::BlockingAsync => {
            on_loop(tasks, move || {
                // `time.sleep` inside `async def`: the thread is held, nothing else runs.
                Box::pin(async move { busy_us(wait * 1000.0) })
            })
            .await;
            (Vec::new(), tasks)
        }
        Way::Pool => {
            let size = workers_for(2)?;
            let jobs = (0..tasks)
                .map(|_| {
                    on_pool(move || std::thread::sleep(Duration::from_secs_f64(wait / 1000.0)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            join(jobs).await?;
            (Vec::new(), size.min(tasks))
        }
        Way::ThreadPerTask => (thread_per_task(tasks, wait).await?, tasks),
    };
    let end = now_ms();
    sleep(2.0 * PROBE_INTERVAL_MS).await;
    Ok(WaitRun {
        way,
        tasks,
        wait_ms: wait,
        makespan_ms: end - t0,
        longest_stall_ms: probe::measure(t0, end).longest_stall_ms,
        threads,
        at_once,
    })
}

/// Runs `tasks` futures made by `task` as async tasks on the event loop, to the last.
async fn on_loop(tasks: u32, task: impl Fn() -> Pin<Box<dyn Future<Output = ()>>>) {
    TaskSet::spawn_all((0..tasks).map(|_| task())).drive().await;
}

/// A started Web Worker and what it said, terminated when dropped.
struct Waiter {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// A Web Worker per task, created one after another (as `Thread(...).start()` in a loop),
/// each sent its wait; then each joined.
///
/// # Errors
/// The browser's refusal, a worker that could not block, or threads that did not finish
/// within [`THREADS_LIMIT_MS`] beyond their wait.
async fn thread_per_task(tasks: u32, wait_ms: f64) -> Result<Vec<Started>, String> {
    let url = files::object_url(&Array::of1(&WAITER_JS.into()), "text/javascript")?;
    let started = Rc::new(RefCell::new(Vec::with_capacity(tasks as usize)));
    let mut waiters = Vec::with_capacity(tasks as usize);
    let mut joins = Vec::with_capacity(tasks as usize);
    let mut refused = None;
    for i in 0..tasks as usize {
        let created_ms = now_ms();
        let worker = match web_sys::Worker::new(&url) {
            Ok(w) => w,
            Err(e) => {
                refused = Some(format!("the browser refused thread {}: {}", i + 1, js_message(&e)));
                break;
            }
        };
        started.borrow_mut().push(Started {
            created_ms,
            running_ms: f64::NAN,
        });
        let mut done = None;
        let joined = Promise::new(&mut |resolve, reject| {
            worker.set_onerror(Some(&reject));
            done = Some(resolve);
        });
        let done = done.expect("a promise's executor runs at once");
        let times = started.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |m: web_sys::MessageEvent| {
            let now = now_ms();
            let said = m.data();
            let mut times = times.borrow_mut();
            let t = &mut times[i];
            if said.as_string().is_some() {
                let _ = done.call1(&JsValue::NULL, &JsValue::FALSE);
            } else if t.running_ms.is_nan() {
                t.running_ms = now;
            } else {
                let _ = done.call1(&JsValue::NULL, &JsValue::TRUE);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let sent = worker.post_message(&JsValue::from(wait_ms));
        waiters.push(Waiter {
            worker,
            _on_message: on_message,
        });
        if let Err(e) = sent {
            refused = Some(js_message(&e));
            break;
        }
        joins.push(JsFuture::from(joined));
    }
    let outcome = within(wait_ms + THREADS_LIMIT_MS, async {
        for joined in joins {
            match joined.await {
                Ok(blocked) if blocked.is_truthy() => {}
                Ok(_) => {
                    return Err("a Web Worker has no SharedArrayBuffer here (the page is not cross-origin isolated), so it cannot block in a wait".to_string());
                }
                Err(e) => {
                    // A worker's `error` event carries the message; a rejection may not.
                    let said = js_sys::Reflect::get(&e, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                        .unwrap_or_else(|| js_message(&e));
                    return Err(format!("a thread failed: {said}"));
                }
            }
        }
        Ok(())
    })
    .await;
    drop(waiters);
    let _ = web_sys::Url::revoke_object_url(&url);
    if let Some(why) = refused {
        return Err(why);
    }
    outcome.unwrap_or_else(|| {
        Err(format!(
            "the threads did not finish within {} of their wait",
            format::ms(THREADS_LIMIT_MS)
        ))
    })?;
    Ok(started.take())
}
