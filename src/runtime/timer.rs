//! Waiting and yielding on the main thread's event loop.
//!
//! [`sleep`] keeps pending deadlines in one heap and arms a single `setTimeout` for the
//! earliest, as asyncio's loop and tokio's timer do: 10,000 tasks waiting 100 ms cost one heap
//! entry each, not 10,000 JS closures. [`yield_now`] posts to a `MessageChannel`, a macrotask
//! that lets input, rendering and timers run without `setTimeout`'s 4 ms nesting clamp.
//! Main thread only: a worker waits by blocking (see `threads`).
//!
//! Dropping a [`Sleep`] deregisters it: a cancelled run drops its tasks, and with them every
//! pending wait, so none of them wakes during the next run. Deregistration is lazy (the entry
//! stays in the heap, marked, until it surfaces or the heap is compacted), so dropping 100,000
//! waits costs 100,000 flag writes, not 100,000 heap removals.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::clock::now_ms;

#[derive(Default)]
struct Slot {
    done: Cell<bool>,
    /// Dropped before it fired: its heap entry is dead.
    dropped: Cell<bool>,
    /// Whether the slot has an entry in the timer heap (a yield's slot does not).
    timed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Slot {
    fn fire(&self) {
        self.done.set(true);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }

    fn poll(&self, cx: &Context<'_>) -> Poll<()> {
        if self.done.get() {
            Poll::Ready(())
        } else {
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

struct Entry {
    deadline: f64,
    seq: u64,
    slot: Rc<Slot>,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.seq == o.seq
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.deadline
            .total_cmp(&o.deadline)
            .then(self.seq.cmp(&o.seq))
    }
}

#[derive(Default)]
struct Timers {
    heap: BinaryHeap<Reverse<Entry>>,
    /// Entries in the heap whose `Sleep` is still alive.
    live: usize,
    seq: u64,
    /// The deadline the armed `setTimeout` fires for, and its handle.
    armed: Option<(f64, i32)>,
    callback: Option<Closure<dyn FnMut()>>,
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::new(Timers::default());
}

fn window() -> web_sys::Window {
    web_sys::window().expect("timers run on the main thread")
}

/// Wakes every due sleeper, then re-arms for the next deadline.
#[cfg_attr(target_feature = "atomics", optimize(speed))]
fn on_timeout() {
    let due: Vec<Rc<Slot>> = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        t.armed = None;
        let now = now_ms();
        let mut due = Vec::new();
        while t.heap.peek().is_some_and(|Reverse(e)| e.deadline <= now) {
            let slot = t.heap.pop().expect("peeked").0.slot;
            if !slot.dropped.get() {
                t.live -= 1;
                due.push(slot);
            }
        }
        due
    });
    for slot in due {
        slot.fire();
    }
    arm();
}

/// Arms `setTimeout` for the earliest deadline unless it is already armed for it.
fn arm() {
    TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        while t.heap.peek().is_some_and(|Reverse(e)| e.slot.dropped.get()) {
            t.heap.pop();
        }
        let Some(next) = t.heap.peek().map(|Reverse(e)| e.deadline) else {
            if let Some((_, handle)) = t.armed.take() {
                window().clear_timeout_with_handle(handle);
            }
            return;
        };
        if let Some((at, handle)) = t.armed {
            if at <= next {
                return;
            }
            window().clear_timeout_with_handle(handle);
        }
        let cb = t.callback.get_or_insert_with(|| Closure::new(on_timeout));
        let delay = (next - now_ms()).max(0.0).ceil() as i32;
        let handle = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.as_ref().unchecked_ref(),
                delay,
            )
            .expect("setTimeout");
        t.armed = Some((next, handle));
    });
}

/// A future that completes `ms` milliseconds after [`sleep`] was called.
pub struct Sleep {
    slot: Rc<Slot>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.slot.poll(cx)
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        let slot = &self.slot;
        if slot.done.get() || slot.dropped.replace(true) {
            return;
        }
        slot.waker.borrow_mut().take();
        if !slot.timed.get() {
            return;
        }
        let idle = TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            t.live -= 1;
            // Compact once dead entries dominate, so a cancelled run's 100,000 waits do not
            // linger until their deadlines.
            if t.heap.len() > 2 * t.live + 1024 {
                t.heap.retain(|Reverse(e)| !e.slot.dropped.get());
            }
            t.live == 0
        });
        if idle {
            arm();
        }
    }
}

/// Waits registered and not yet fired or dropped (for tests and the soak).
pub fn pending_timers() -> usize {
    TIMERS.with(|t| t.borrow().live)
}
/// Waits `ms` milliseconds on the event loop without holding the main thread.
pub fn sleep(ms: f64) -> Sleep {
    sleep_from(now_ms(), ms)
}

/// [`sleep`] from `start_ms`, a clock reading the caller just took (one JS call fewer per
/// wait: with 100,000 waits, each call counts).
#[cfg_attr(target_feature = "atomics", optimize(speed))]
pub fn sleep_from(start_ms: f64, ms: f64) -> Sleep {
    let slot = Rc::new(Slot::default());
    if ms <= 0.0 {
        slot.done.set(true);
        return Sleep { slot };
    }
    let deadline = start_ms + ms;
    slot.timed.set(true);
    TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        t.live += 1;
        t.seq += 1;
        let seq = t.seq;
        t.heap.push(Reverse(Entry {
            deadline,
            seq,
            slot: slot.clone(),
        }));
    });
    arm();
    Sleep { slot }
}

struct Yielder {
    port: web_sys::MessagePort,
    queue: VecDeque<Rc<Slot>>,
    _channel: web_sys::MessageChannel,
    _on_message: Closure<dyn FnMut()>,
}

thread_local! {
    static YIELDER: RefCell<Option<Yielder>> = const { RefCell::new(None) };
}

fn on_message() {
    let slot = YIELDER.with(|y| y.borrow_mut().as_mut().and_then(|y| y.queue.pop_front()));
    if let Some(slot) = slot {
        slot.fire();
    }
}

/// Gives the event loop one turn (input, rendering, timers), then resumes.
pub fn yield_now() -> Sleep {
    let slot = Rc::new(Slot::default());
    YIELDER.with(|y| {
        let mut y = y.borrow_mut();
        let y = y.get_or_insert_with(|| {
            let channel = web_sys::MessageChannel::new().expect("MessageChannel");
            let on_message = Closure::<dyn FnMut()>::new(on_message);
            channel
                .port1()
                .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            Yielder {
                port: channel.port2(),
                queue: VecDeque::new(),
                _channel: channel,
                _on_message: on_message,
            }
        });
        y.queue.push_back(slot.clone());
        y.port
            .post_message(&wasm_bindgen::JsValue::UNDEFINED)
            .expect("postMessage");
    });
    Sleep { slot }
}
