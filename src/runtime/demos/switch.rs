//! The ping-pong in the browser: two async tasks hand a token through two `asyncio.Queue`s of
//! one on the event loop (every hand-over is one pass of the async scheduler, a microtask);
//! two threads hand it through a mutex and a condition variable on two workers (each waits in
//! `Atomics.wait` until the other wakes it), with or without a GIL they must hold to run.
//! Each batch is timed whole by the side that starts it; the page yields between async
//! batches, so the event loop is never held for more than one batch (a few ms).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Condvar, Mutex};

use super::{DIED, on_pool, start_together, workers_for};
use crate::model::demos::async_sync::Queue;
use crate::model::demos::switch::{Model, SwitchRun};
use crate::model::run::gil::Gil;
use crate::runtime::clock::now_ms;
use crate::runtime::event_loop::TaskSet;
use crate::runtime::timer::yield_now;

/// `batches` of `switches` hand-overs between two async tasks.
pub async fn run_async(switches: u32, batches: u32) -> SwitchRun {
    let (there, back) = (Queue::new(1), Queue::new(1));
    let round_trips = switches.div_ceil(2);
    let (to, from) = (there.clone(), back.clone());
    let batch_ms = Rc::new(RefCell::new(Vec::with_capacity(batches as usize)));
    let out = batch_ms.clone();
    let ping = Box::pin(async move {
        for _ in 0..batches {
            let t0 = now_ms();
            for _ in 0..round_trips {
                to.put(()).await;
                from.get().await;
            }
            out.borrow_mut().push(now_ms() - t0);
            // The other side waits at `get`; the page gets its turn between batches.
            yield_now().await;
        }
    }) as Pin<Box<dyn Future<Output = ()>>>;
    let pong = Box::pin(async move {
        for _ in 0..round_trips * batches {
            there.get().await;
            back.put(()).await;
        }
    });
    TaskSet::spawn_all([ping, pong]).drive().await;
    SwitchRun {
        model: Model::Async,
        switches: round_trips * 2,
        batch_ms: batch_ms.take(),
    }
}

/// The token between two threads: whose turn it is (0 or 1), and the condition they wait on.
#[derive(Default)]
struct Token {
    turn: Mutex<u32>,
    changed: Condvar,
}

impl Token {
    /// Hands the token to the other side.
    fn give(&self, me: u32) {
        *self.turn.lock().unwrap_or_else(|e| e.into_inner()) = 1 - me;
        self.changed.notify_one();
    }

    /// Waits (blocking: workers only) until it is `me`'s turn.
    fn wait(&self, me: u32) {
        let mut turn = self.turn.lock().unwrap_or_else(|e| e.into_inner());
        while *turn != me {
            turn = self.changed.wait(turn).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// `batches` of `switches` hand-overs between two threads on the pool; with `gil`, each holds
/// a GIL to run and lets it go while it waits, as CPython's threads do around a blocking call.
///
/// # Errors
/// When the pool cannot run two threads at once, or a worker died.
pub async fn run_threads(switches: u32, batches: u32, gil: bool) -> Result<SwitchRun, String> {
    workers_for(2)?;
    let token = Arc::new(Token::default());
    let lock = gil.then(|| Arc::new(Gil::new(5)));
    let arrived = Arc::new(AtomicU32::new(0));
    let round_trips = switches.div_ceil(2);
    let side = move |me: u32| {
        let (token, lock, arrived) = (token.clone(), lock.clone(), arrived.clone());
        move || {
            let never = || false;
            start_together(&arrived, 2);
            let mut batch_ms = Vec::with_capacity(batches as usize);
            if let Some(g) = &lock {
                g.acquire(&never);
            }
            for _ in 0..batches {
                let t0 = now_ms();
                for _ in 0..round_trips {
                    // Side 1 waits first: side 0 starts with the token.
                    if me == 1 {
                        wait_for(&token, lock.as_deref(), me);
                    }
                    token.give(me);
                    if me == 0 {
                        wait_for(&token, lock.as_deref(), me);
                    }
                }
                batch_ms.push(now_ms() - t0);
            }
            if let Some(g) = &lock {
                g.release();
            }
            batch_ms
        }
    };
    let ping = on_pool(side(0))?;
    let pong = on_pool(side(1))?;
    let batch_ms = ping.await.ok_or(DIED)?;
    pong.await.ok_or(DIED)?;
    Ok(SwitchRun {
        model: if gil { Model::Gil } else { Model::Threads },
        switches: round_trips * 2,
        batch_ms,
    })
}

/// Waits for `me`'s turn, without the GIL meanwhile when there is one.
fn wait_for(token: &Token, gil: Option<&Gil>, me: u32) {
    match gil {
        Some(g) => {
            g.release();
            token.wait(me);
            g.acquire(&|| false);
        }
        None => token.wait(me),
    }
}
