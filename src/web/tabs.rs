//! One tab writes a device's log. Every event a device writes is numbered
//! (device, seq) and signed into the device's chain; two tabs of one
//! browser writing at once would each take the next number, and every other
//! device would refuse the pair as a forgery. The Web Locks API gives the
//! writer's lock to one tab; the others show the data and save nothing.
//! Tabs talk over a BroadcastChannel:
//! - a tab that starts writing says so, and every tab that only shows then
//!   queues for the lock: when the writer closes, the next one takes over;
//! - "use it here" asks the writer to let go, and the asking tab is next;
//! - the writer's page says when it goes away: a tab given the lock just
//!   then leaves it free for a few seconds, so a reloaded writer takes it
//!   back; if nobody does (the tab was closed), it takes its turn.
//!
//! A tab that takes over reads the store again in place (`Data`), without
//! a reload: a reload would let go of the lock, and another waiting tab
//! could take it in between.
//! Called through `Reflect`: web-sys has the Locks API only behind its
//! unstable flag. A browser without it has no coordination, as before.

use js_sys::{Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const LOCK: &str = "gridcare-writer";
const CHANNEL: &str = "gridcare-tabs";
/// "Let go of the lock: I want to write."
const HAND_OVER: &str = "hand-over";
/// "I write now: queue behind me."
const WRITING: &str = "writing";
/// "The page that writes is going away (closed, reloaded or navigated)."
const LEAVING: &str = "leaving";
/// How long a tab given the lock just after the writer's page went away
/// leaves it free, in ms: long enough for a reloaded page to take it back.
const GIVE_WAY_MS: i32 = 5_000;
/// How long a tab given the lock waits to hear that the writer's page went
/// away, in ms.
const LEAVING_HEARD_MS: i32 = 300;
/// How long start-up waits for the browser's answer to the lock, in ms.
const SILENT_AFTER_MS: i32 = 15_000;

/// Hears whether this tab now writes (`true`) or only shows.
type Role = Rc<dyn Fn(bool)>;
/// Hears the browser's answer to a request for the lock, once.
type Heard = Box<dyn FnOnce(Option<bool>)>;
/// Says whether a write of this tab is under way.
type Busy = Rc<dyn Fn() -> bool>;

thread_local! {
    /// Resolving it releases the lock this tab holds.
    static RELEASE: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// Whether this tab waits in the lock's queue.
    static QUEUED: Cell<bool> = const { Cell::new(false) };
    /// Who hears of a change of part (set by `claim`).
    static ROLE: RefCell<Option<Role>> = const { RefCell::new(None) };
    /// Whether a write of this tab is under way (set by `claim`): the lock
    /// is let go only once it ended.
    static BUSY: RefCell<Option<Busy>> = const { RefCell::new(None) };
    /// When the writer's page last said it was going away (`Date.now()`).
    static LEAVING_AT: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    /// Kept for as long as the page lives, with its listener.
    static CHANNEL_KEPT: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
}

fn locks() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())
}

/// Asks for the writer's lock. `answer` hears whether this tab got it
/// (`Some`): at once with `if_available`, else once it is free; `None` when
/// the browser refused the request (a page being torn down). `false`: no
/// Locks API. A lock taken from this tab later (another page asked with
/// `steal`) makes it one that shows.
fn request(if_available: bool, answer: impl FnOnce(Option<bool>) + 'static) -> bool {
    let Some(locks) = locks() else {
        return false;
    };
    let Some(request) = Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    let options = Object::new();
    if if_available {
        let _ = Reflect::set(&options, &"ifAvailable".into(), &true.into());
    }
    // Heard once: by the grant, or by a refusal before it.
    let answer: Rc<RefCell<Option<Heard>>> = Rc::new(RefCell::new(Some(Box::new(answer))));
    let granted = answer.clone();
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let answer = granted.borrow_mut().take();
        if lock.is_null() {
            if let Some(answer) = answer {
                answer(Some(false));
            }
            return JsValue::UNDEFINED;
        }
        // Held until `RELEASE` is called, or the page goes away.
        let hold = Promise::new(&mut |resolve, _| {
            RELEASE.with(|r| *r.borrow_mut() = Some(resolve));
        });
        if let Some(answer) = answer {
            answer(Some(true));
        }
        hold.into()
    });
    let Ok(pending) = request.call3(&locks, &LOCK.into(), &options, &callback) else {
        return false;
    };
    let on_refused = Closure::once(move |_: JsValue| {
        match answer.borrow_mut().take() {
            Some(answer) => answer(None),
            // Held, then taken away: this tab shows from now on.
            None if holds() => {
                RELEASE.with(|r| r.borrow_mut().take());
                if let Some(role) = ROLE.with(|r| r.borrow().clone()) {
                    role(false);
                }
                queue();
            }
            None => {}
        }
    });
    if let Ok(pending) = pending.dyn_into::<Promise>() {
        let _ = pending.catch(&on_refused);
    }
    // Lives as long as the request, which may outlive this call by hours.
    on_refused.forget();
    true
}

fn post(message: &str) {
    CHANNEL_KEPT.with(|c| {
        if let Some(channel) = c.borrow().as_ref() {
            let _ = channel.post_message(&message.into());
        }
    });
}

/// Whether this tab holds the writer's lock now.
pub fn holds() -> bool {
    RELEASE.with(|r| r.borrow().is_some())
}

/// Queues for the lock (once), then tells the role it writes.
fn queue() {
    if holds() || QUEUED.get() {
        return;
    }
    QUEUED.set(true);
    request(false, |got| {
        if got != Some(true) {
            QUEUED.set(false);
            return;
        }
        // The writer's "leaving" and the lock's grant come by different
        // ways, in either order: a moment is given for the message.
        wasm_bindgen_futures::spawn_local(async {
            crate::web::tasks::sleep(LEAVING_HEARD_MS).await;
            let just_left = js_sys::Date::now() - LEAVING_AT.get() < f64::from(GIVE_WAY_MS);
            if just_left {
                give_way();
            } else {
                take_turn();
            }
        });
    });
}

/// Given the lock because the writer's page went away a moment ago: that
/// may be a reload, whose new page should go on writing (the person is
/// working there). The lock is left free for it; if no page takes it, this
/// tab queues again and takes its turn.
fn give_way() {
    QUEUED.set(false);
    if let Some(release) = RELEASE.with(|r| r.borrow_mut().take()) {
        let _ = release.call0(&JsValue::NULL);
    }
    wasm_bindgen_futures::spawn_local(async {
        crate::web::tasks::sleep(GIVE_WAY_MS).await;
        queue();
    });
}

/// The browser's first answer to this tab.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Granted,
    Taken,
    /// No Locks API: nothing to coordinate with.
    NoApi,
    /// No answer in time (a page too busy to hear it). A grant that comes
    /// later counts as a turn in the queue.
    Silent,
}

/// Takes the lock if it is free now.
async fn try_lock() -> Answer {
    let mut resolve = None;
    let answered = Promise::new(&mut |r, _| resolve = Some(r));
    let Some(resolve) = resolve else {
        return Answer::NoApi;
    };
    let late = Rc::new(Cell::new(false));
    let late_for_answer = late.clone();
    if !request(true, move |got| {
        if late_for_answer.get() {
            // Start-up went on as one that waits in the queue.
            if got == Some(true) {
                take_turn();
            } else {
                QUEUED.set(false);
                queue();
            }
        } else {
            let said = match got {
                Some(got) => JsValue::from(got),
                None => JsValue::UNDEFINED,
            };
            let _ = resolve.call1(&JsValue::NULL, &said);
        }
    }) {
        return Answer::NoApi;
    }
    let answer = Box::pin(JsFuture::from(answered));
    // The browser answers in milliseconds; a page still busy compiling and
    // starting on a loaded machine may hear it late. Only after this long
    // does the tab go on without it.
    let timeout = Box::pin(crate::web::tasks::sleep(SILENT_AFTER_MS));
    match futures::future::select(answer, timeout).await {
        futures::future::Either::Left((Ok(got), _)) => match got.as_bool() {
            Some(true) => Answer::Granted,
            Some(false) => Answer::Taken,
            // Refused outright: nothing to coordinate with.
            None => Answer::NoApi,
        },
        futures::future::Either::Left(_) => Answer::Taken,
        futures::future::Either::Right(_) => {
            late.set(true);
            Answer::Silent
        }
    }
}

/// This tab was given the lock after waiting: it writes from now on.
fn take_turn() {
    QUEUED.set(false);
    // The tab that let go queues behind this one again.
    post(WRITING);
    if let Some(role) = ROLE.with(|r| r.borrow().clone()) {
        role(true);
    }
}

/// Takes the writer's part if no other tab has it. `role` hears every change
/// after the first answer, which this returns: `true` when this tab writes.
/// `busy` says whether a write is under way: handing over waits for it.
pub async fn claim(role: impl Fn(bool) + 'static, busy: impl Fn() -> bool + 'static) -> bool {
    ROLE.with(|r| *r.borrow_mut() = Some(Rc::new(role)));
    BUSY.with(|b| *b.borrow_mut() = Some(Rc::new(busy)));
    // A reload's previous page may hold the lock a moment longer than it
    // lives: asked again for a second before this tab takes it as taken.
    let mut answer = Answer::Taken;
    for _ in 0..5 {
        answer = try_lock().await;
        if answer != Answer::Taken {
            break;
        }
        crate::web::tasks::sleep(250).await;
    }
    match answer {
        Answer::NoApi => true,
        Answer::Granted => {
            listen();
            post(WRITING);
            true
        }
        // A silent browser counts as taken: this tab shows, and writes
        // only once given the lock.
        Answer::Taken | Answer::Silent => {
            listen();
            if answer == Answer::Taken {
                queue();
            } else {
                QUEUED.set(true);
            }
            false
        }
    }
}

fn listen() {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|ev: web_sys::MessageEvent| {
        match ev.data().as_string().as_deref() {
            // Another tab asked to write: this one lets go and says so. It
            // queues again once that tab writes.
            Some(HAND_OVER) if holds() => {
                // Shows at once, saves nothing more, and lets go once
                // the write under way (signing, the transaction) ended.
                if let Some(role) = ROLE.with(|r| r.borrow().clone()) {
                    role(false);
                }
                wasm_bindgen_futures::spawn_local(async {
                    let busy = BUSY.with(|b| b.borrow().clone());
                    while busy.as_ref().is_some_and(|busy| busy()) {
                        crate::web::tasks::sleep(50).await;
                    }
                    if let Some(release) = RELEASE.with(|r| r.borrow_mut().take()) {
                        let _ = release.call0(&JsValue::NULL);
                    }
                });
            }
            Some(WRITING) => queue(),
            Some(LEAVING) => LEAVING_AT.set(js_sys::Date::now()),
            _ => {}
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // The writer says when its page goes away, so that a reload keeps the
    // writer's part in the tab the person is using.
    if let Some(window) = web_sys::window() {
        let on_leave = Closure::<dyn Fn()>::new(|| {
            if holds() {
                post(LEAVING);
            }
        });
        let _ =
            window.add_event_listener_with_callback("pagehide", on_leave.as_ref().unchecked_ref());
        on_leave.forget();
    }
    CHANNEL_KEPT.with(|c| *c.borrow_mut() = Some(channel));
}

/// "Use it here": this tab queues first, then asks the writer to let go.
pub fn ask_to_hand_over() {
    queue();
    post(HAND_OVER);
}
