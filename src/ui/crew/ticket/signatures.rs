//! Signatures drawn on the tablet (finger, stylus or mouse): the customer's
//! confirmation or a party to an investigation record (调查笔录).

use crate::domain::event::{Event, EventBody, SignerRole};
use crate::i18n::Key;
use crate::ui::state::{use_data, use_i18n};
use crate::web::signature;
use leptos::prelude::*;

#[component]
pub fn Signatures(ticket: String, open: bool, events: Memo<Vec<Event>>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let signer = RwSignal::new(String::new());
    let role = RwSignal::new(SignerRole::Customer);
    let problem = RwSignal::new(None::<Key>);
    let ticket = StoredValue::new(ticket);
    Effect::new(move |_| {
        if let Some(c) = canvas.get() {
            signature::attach_pad(&c);
        }
    });
    // Draw to PNG, store it, record who signed; a failure says so.
    let keep = Action::new_local(
        move |(c, name, role): &(web_sys::HtmlCanvasElement, String, SignerRole)| {
            let (c, name, role) = (c.clone(), name.clone(), *role);
            async move {
                let Ok(png) = signature::png(&c).await else {
                    problem.set(Some(Key::SignFirst));
                    return;
                };
                match data
                    .attach_signature(&ticket.get_value(), png, name, role)
                    .await
                {
                    Ok(()) => {
                        signature::clear_pad(&c);
                        signer.set(String::new());
                    }
                    Err(_) => problem.set(Some(Key::SaveFailed)),
                }
            }
        },
    );
    let save = move |_| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        if signer.get_untracked().trim().is_empty() {
            problem.set(Some(Key::SignerRequired));
            return;
        }
        if signature::pad_points(&c) < 2 {
            problem.set(Some(Key::SignFirst));
            return;
        }
        problem.set(None);
        let (name, role) = (
            signer.get_untracked().trim().to_string(),
            role.get_untracked(),
        );
        keep.dispatch_local((c, name, role));
    };
    let stored = Memo::new(move |_| {
        events.with(|e| {
            e.iter()
                .filter_map(|e| match &e.body {
                    EventBody::SignatureAttached {
                        hash, signer, role, ..
                    } => Some((hash.clone(), signer.clone(), *role)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="signatures" data-testid="signatures">
            <h2>{i18n.t(Key::Signatures)}</h2>
            <ul class="signature-list">
                {move || {
                    stored
                        .get()
                        .into_iter()
                        .map(|(hash, name, role)| {
                            let h = hash.clone();
                            let url = LocalResource::new(move || data.photo_url(h.clone()));
                            let role_key = match role {
                                SignerRole::Investigation => Key::RoleInvestigation,
                                SignerRole::Customer => Key::RoleCustomer,
                            };
                            view! {
                                <li>
                                    {move || {
                                        url.get()
                                            .flatten()
                                            .map(|u| {
                                                view! {
                                                    <img
                                                        src=u
                                                        alt=i18n.t(Key::Signatures)
                                                        data-hash=hash.clone()
                                                    />
                                                }
                                            })
                                    }} <span>{name} " · " {i18n.t(role_key)}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {open
                .then(|| {
                    view! {
                        <div class="signature-pad">
                            <canvas
                                node_ref=canvas
                                width="600"
                                height="200"
                                data-testid="signature-canvas"
                                aria-label=i18n.t(Key::SignHere)
                            ></canvas>
                            <div class="row">
                                <label>
                                    {i18n.t(Key::Signer)}
                                    <input
                                        type="text"
                                        maxlength="40"
                                        autocomplete="off"
                                        data-testid="signer"
                                        prop:value=move || signer.get()
                                        on:input=move |ev| signer.set(event_target_value(&ev))
                                    />
                                </label>
                                <label>
                                    {i18n.t(Key::SignatureRole)}
                                    <select on:change=move |ev| {
                                        role.set(
                                            if event_target_value(&ev) == "investigation" {
                                                SignerRole::Investigation
                                            } else {
                                                SignerRole::Customer
                                            },
                                        )
                                    }>
                                        <option value="customer">
                                            {i18n.t(Key::RoleCustomer)}
                                        </option>
                                        <option value="investigation">
                                            {i18n.t(Key::RoleInvestigation)}
                                        </option>
                                    </select>
                                </label>
                                <button
                                    type="button"
                                    class="secondary"
                                    on:click=move |_| {
                                        if let Some(c) = canvas.get_untracked() {
                                            signature::clear_pad(&c)
                                        }
                                    }
                                >
                                    {i18n.t(Key::ClearSignature)}
                                </button>
                                <button
                                    type="button"
                                    class="primary"
                                    data-testid="save-signature"
                                    on:click=save
                                >
                                    {i18n.t(Key::SaveSignature)}
                                </button>
                            </div>
                            {move || {
                                problem
                                    .get()
                                    .map(|k| {
                                        view! {
                                            <p class="error" role="alert">
                                                {i18n.t(k)}
                                            </p>
                                        }
                                    })
                            }}
                        </div>
                    }
                })}
        </section>
    }
}
