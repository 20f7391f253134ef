//! Waiting and yielding on the main thread's event loop.
//!
//! [`sleep`] keeps pending deadlines in one queue ([`Deadlines`]: a sorted run and a heap) and
//! arms a single `setTimeout` for the earliest, as asyncio's loop and tokio's timer do: 10,000
//! tasks waiting 100 ms cost one queue entry each, not 10,000 JS closures. [`yield_now`] posts
//! to a `MessageChannel`, a macrotask that lets input, rendering and timers run without
//! `setTimeout`'s 4 ms nesting clamp.
//!
//! That clamp would otherwise hit the timer itself: it re-arms from inside its own callback,
//! so after five levels every `setTimeout` waits at least 4 ms, and a run whose deadlines lie
//! 1 ms apart would finish up to 4 ms late. A deadline less than 4 ms away is therefore armed
//! from a fresh task, one `MessageChannel` hop later, where nesting starts again at zero.
//! And `setTimeout` counts whole milliseconds and fires late, so the timer is armed for the
//! whole milliseconds to go and the last fraction is hopped (a message comes back within tens
//! of µs), so waits end closer to their deadlines.
//! Main thread only: a worker waits by blocking (see `threads`).
//!
//! A wait's state lives in a slot of one slab, reused once its [`Sleep`] is dropped: no
//! allocation per wait (with 100,000 waits, each allocation counts). Dropping a [`Sleep`]
//! deregisters it: a cancelled run drops its tasks, and with them every pending wait, so none
//! of them wakes during the next run. Deregistration is lazy (the queue entry stays, with a
//! stale generation, until it surfaces or the queue is compacted), so dropping 100,000 waits
//! costs 100,000 slot writes, not 100,000 removals.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::clock::now_ms;
use crate::model::run::deadlines::{Deadlines, Entry};
use crate::model::memory::Part;

/// One wait's state. `generation` changes whenever the slot is freed, so deadline and yield-queue
/// entries of a dropped wait no longer match it.
#[derive(Default)]
struct Slot {
    generation: u32,
    done: bool,
    waker: Option<Waker>,
}

/// A reference to a slot as it was when the wait began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SlotRef {
    index: u32,
    generation: u32,
}

#[derive(Default)]
struct Timers {
    slots: Vec<Slot>,
    /// The generation new slots start at: above every generation a released slab handed
    /// out, so no old reference matches a new slot (see [`Timers::release_if_idle`]).
    epoch: u32,
    free: Vec<u32>,
    deadlines: Deadlines<SlotRef>,
    /// Entries in `deadlines` whose `Sleep` is still alive.
    live: usize,
    /// The deadline the armed `setTimeout` fires for, and its handle.
    armed: Option<(f64, i32)>,
    callback: Option<Closure<dyn FnMut()>>,
    /// A hop to a fresh task is on its way (see the module doc).
    hopping: bool,
    /// The wakers of the sleepers due now, kept between firings for its capacity.
    due: Vec<Waker>,
}

/// Browsers clamp nested `setTimeout` calls to at least this many ms.
const NESTED_CLAMP_MS: f64 = 4.0;

impl Timers {
    fn alloc(&mut self, done: bool) -> SlotRef {
        let index = self.free.pop().unwrap_or_else(|| {
            self.slots.push(Slot {
                generation: self.epoch,
                ..Slot::default()
            });
            (self.slots.len() - 1) as u32
        });
        let slot = &mut self.slots[index as usize];
        slot.done = done;
        SlotRef {
            index,
            generation: slot.generation,
        }
    }

    /// The slot of a wait still alive, if `r` is one.
    fn get(&mut self, r: SlotRef) -> Option<&mut Slot> {
        self.slots
            .get_mut(r.index as usize)
            .filter(|s| s.generation == r.generation)
    }

    /// Marks the wait done and returns the waker to call once the borrow is released.
    fn fire(&mut self, r: SlotRef) -> Option<Waker> {
        let slot = self.get(r)?;
        slot.done = true;
        slot.waker.take()
    }

    fn is_stale(&self, r: SlotRef) -> bool {
        self.slots[r.index as usize].generation != r.generation
    }

    /// Gives the slab and the queue back to the allocator once no wait holds a slot: what
    /// a million waits needed is not kept for the rest of the page's life, and a memory
    /// measurement sees every wait's slot and entry, not a slab an earlier run left behind.
    /// Every entry left in the queue is then stale, so nothing is lost.
    fn release_if_idle(&mut self) {
        if self.free.len() < self.slots.len() || self.slots.is_empty() {
            return;
        }
        let newest = self.slots.iter().map(|s| s.generation).max().unwrap_or(0);
        self.epoch = self.epoch.max(newest.wrapping_add(1));
        self.slots = Vec::new();
        self.free = Vec::new();
        self.deadlines = Deadlines::default();
        self.due = Vec::new();
    }
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::new(Timers::default());
}

fn window() -> web_sys::Window {
    web_sys::window().expect("timers run on the main thread")
}

/// Wakes every due sleeper, then re-arms for the next deadline.
#[cfg_attr(target_arch = "wasm32", optimize(speed))]
fn on_timeout() {
    let mut due = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        t.armed = None;
        let now = now_ms();
        let mut due = std::mem::take(&mut t.due);
        while t.deadlines.peek().is_some_and(|e| e.deadline <= now) {
            let slot = t.deadlines.pop().expect("peeked").item;
            if t.is_stale(slot) {
                continue;
            }
            t.live -= 1;
            due.extend(t.fire(slot));
        }
        due
    });
    // Woken outside the borrow: a waker may run other code.
    for waker in due.drain(..) {
        waker.wake();
    }
    TIMERS.with(|t| t.borrow_mut().due = due);
    arm();
}

/// Arms `setTimeout` for the earliest live deadline unless it is already armed for it.
fn arm() {
    arm_from(false);
}

/// [`arm`]; `fresh`: called from a task that is not nested in a timer (the hop), where a short
/// `setTimeout` is not clamped, so it is armed directly instead of hopping again.
fn arm_from(fresh: bool) {
    TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        while t.deadlines.peek().is_some_and(|e| t.is_stale(e.item)) {
            t.deadlines.pop();
        }
        let Some(next) = t.deadlines.peek().map(|e| e.deadline) else {
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
            t.armed = None;
        }
        let wait = (next - now_ms()).max(0.0);
        // Under a millisecond to go, hop (a `MessageChannel` message comes back within tens of
        // µs) until the deadline has passed: `setTimeout` counts whole milliseconds and fires
        // late, so the timer is armed for the whole milliseconds only (below) and hops the rest.
        if t.hopping || wait < 1.0 || !fresh && wait.ceil() < NESTED_CLAMP_MS {
            if !t.hopping {
                t.hopping = true;
                post_to_loop(Message::Hop);
            }
            return;
        }
        let cb = t.callback.get_or_insert_with(|| Closure::new(on_timeout));
        let delay = wait.floor() as i32;
        let handle = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.as_ref().unchecked_ref(),
                delay,
            )
            .unwrap_or_else(|e| panic!("setTimeout: {}", super::js_message(&e)));
        t.armed = Some((next, handle));
    });
}

/// A hop arrived: we are in a fresh task, where `setTimeout` is not clamped.
fn on_hop() {
    TIMERS.with(|t| t.borrow_mut().hopping = false);
    let due = TIMERS.with(|t| {
        t.borrow()
            .deadlines
            .peek()
            .is_some_and(|e| e.deadline <= now_ms())
    });
    if due {
        on_timeout();
    } else {
        arm_from(true);
    }
}

/// A future that completes when its deadline passes ([`sleep`]) or the event loop has had a
/// turn ([`yield_now`]). Main thread only (it refers to this thread's slab).
pub struct Sleep {
    slot: SlotRef,
    timed: bool,
    _main_thread_only: PhantomData<*const ()>,
}

impl Future for Sleep {
    type Output = ();

    #[cfg_attr(target_arch = "wasm32", optimize(speed))]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            let slot = t.get(self.slot).expect("a live Sleep owns its slot");
            if slot.done {
                return Poll::Ready(());
            }
            match &slot.waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => slot.waker = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        let (idle, waker) = TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            let Some(slot) = t.get(self.slot) else {
                return (false, None);
            };
            let pending = !slot.done;
            slot.generation = slot.generation.wrapping_add(1);
            slot.done = false;
            // Dropped outside the borrow: a waker's drop may run other code.
            let waker = slot.waker.take();
            t.free.push(self.slot.index);
            t.release_if_idle();
            if !(pending && self.timed) {
                return (false, waker);
            }
            t.live -= 1;
            // Compact once dead entries dominate, so a cancelled run's 100,000 waits do not
            // linger until their deadlines.
            if t.deadlines.len() > 2 * t.live + 1024 {
                let slots = std::mem::take(&mut t.slots);
                t.deadlines
                    .retain(|r| slots[r.index as usize].generation == r.generation);
                t.slots = slots;
            }
            (t.live == 0, waker)
        });
        drop(waker);
        if idle {
            arm();
        }
    }
}

/// Waits registered and not yet fired or dropped (for tests and the soak).
pub fn pending_timers() -> usize {
    TIMERS.with(|t| t.borrow().live)
}

/// Whether the timer holds no slab (no wait or yield alive): a memory measurement that
/// starts then sees its own waits' slots, not room an earlier wait left.
pub fn is_idle() -> bool {
    TIMERS.with(|t| t.borrow().slots.is_empty())
}

/// What the timer holds for each pending wait, by part, from `size_of`.
pub fn parts_per_wait() -> [Part; 2] {
    [
        Part {
            what: "its timer slot",
            bytes: std::mem::size_of::<Slot>(),
        },
        Part {
            what: "its deadline entry",
            bytes: std::mem::size_of::<Entry<SlotRef>>(),
        },
    ]
}

/// Waits `ms` milliseconds on the event loop without holding the main thread.
pub fn sleep(ms: f64) -> Sleep {
    sleep_from(now_ms(), ms)
}

/// [`sleep`] from `start_ms`, a clock reading the caller just took (one JS call fewer per
/// wait: with 100,000 waits, each call counts).
#[cfg_attr(target_arch = "wasm32", optimize(speed))]
pub fn sleep_from(start_ms: f64, ms: f64) -> Sleep {
    let (slot, armed) = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        if ms <= 0.0 {
            return (t.alloc(true), true);
        }
        let slot = t.alloc(false);
        t.live += 1;
        let deadline = start_ms + ms;
        t.deadlines.push(deadline, slot);
        // Already armed for this deadline or an earlier one (the common case when many tasks
        // wait alike): nothing to arm.
        let armed = t.armed.is_some_and(|(at, _)| at <= deadline);
        (slot, armed)
    });
    if !armed {
        arm();
    }
    Sleep {
        slot,
        timed: ms > 0.0,
        _main_thread_only: PhantomData,
    }
}

/// What a `MessageChannel` message is for, in the order they were posted.
enum Message {
    /// A [`yield_now`] whose turn has come.
    Yield(SlotRef),
    /// A timer hop to a fresh task (see the module doc).
    Hop,
}

struct Yielder {
    port: web_sys::MessagePort,
    queue: VecDeque<Message>,
    _channel: web_sys::MessageChannel,
    _on_message: Closure<dyn FnMut()>,
}

thread_local! {
    static YIELDER: RefCell<Option<Yielder>> = const { RefCell::new(None) };
}

fn on_message() {
    let message = YIELDER.with(|y| y.borrow_mut().as_mut().and_then(|y| y.queue.pop_front()));
    match message {
        Some(Message::Yield(slot)) => {
            // A yield dropped before its turn has a stale generation: nothing to wake.
            if let Some(w) = TIMERS.with(|t| t.borrow_mut().fire(slot)) {
                w.wake();
            }
        }
        Some(Message::Hop) => on_hop(),
        None => {}
    }
}

/// Posts `message` to this thread's `MessageChannel` (a macrotask, unclamped).
fn post_to_loop(message: Message) {
    YIELDER.with(|y| {
        let mut y = y.borrow_mut();
        let y = y.get_or_insert_with(|| {
            let channel = web_sys::MessageChannel::new()
                .unwrap_or_else(|e| panic!("MessageChannel: {}", super::js_message(&e)));
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
        y.queue.push_back(message);
        y.port
            .post_message(&wasm_bindgen::JsValue::UNDEFINED)
            .unwrap_or_else(|e| panic!("postMessage: {}", super::js_message(&e)));
    });
}

/// `work`'s output, or `None` if `ms` milliseconds pass first (then `work` is dropped where
/// it stands). The limit is a plain JS timeout, not one of this timer's waits, so it never
/// counts as one (the memory measurements wait for none to be pending).
pub async fn within<T>(ms: f64, work: impl Future<Output = T>) -> Option<T> {
    let limit = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let (mut work, mut limit) = (
        std::pin::pin!(work),
        wasm_bindgen_futures::JsFuture::from(limit),
    );
    std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = work.as_mut().poll(cx) {
            Poll::Ready(Some(out))
        } else if Pin::new(&mut limit).poll(cx).is_ready() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    })
    .await
}

/// Gives the event loop one turn (input, rendering, timers), then resumes.
pub fn yield_now() -> Sleep {
    let slot = TIMERS.with(|t| t.borrow_mut().alloc(false));
    post_to_loop(Message::Yield(slot));
    Sleep {
        slot,
        timed: false,
        _main_thread_only: PhantomData,
    }
}
