//! A ticket's history, oldest first, in the order every device folds it.

use crate::domain::event::Event;
use crate::domain::labels::event_key;
use crate::domain::time::china;
use crate::i18n::Key;
use crate::ui::state::data::Signer;
use crate::ui::state::{use_data, use_i18n};
use leptos::prelude::*;

#[component]
pub fn Timeline(events: Memo<Vec<Event>>) -> impl IntoView {
    let i18n = use_i18n();
    let data = use_data();
    // Records no device vouches for are marked: a person can tell evidence
    // from what was recorded before signing, demo data, or a device no
    // supervisor enrolled (or one revoked since).
    let mark = move |device: &str| match data.signer_of(device) {
        Signer::Unsigned => Some((Key::RecordedBeforeSigning, "unsigned")),
        Signer::Demo => Some((Key::DemoDevice, "demo")),
        Signer::Unenrolled => Some((Key::UnenrolledDevice, "unenrolled")),
        Signer::Revoked => Some((Key::RevokedDevice, "revoked")),
        Signer::ThisDevice | Signer::Key(_) => None,
    };
    view! {
        <section>
            <h2>{i18n.t(Key::Timeline)}</h2>
            <ol class="timeline" data-testid="timeline">
                {move || {
                    events
                        .get()
                        .into_iter()
                        .map(|e| {
                            view! {
                                <li data-type=e.body.type_name()>
                                    <time>
                                        {e
                                            .at
                                            .with_timezone(&china())
                                            .format("%m-%d %H:%M")
                                            .to_string()}
                                    </time>
                                    " "
                                    <strong>{i18n.t(event_key(&e.body))}</strong>
                                    " · "
                                    {e.author.to_string()}
                                    {mark(&e.device)
                                        .map(|(key, state)| {
                                            view! {
                                                " "
                                                <span class="badge muted" data-signed=state>
                                                    {i18n.t(key)}
                                                </span>
                                            }
                                        })}
                                    {
                                        let texts = e.body.texts().join(" / ");
                                        (!texts.is_empty())
                                            .then(|| {
                                                view! {
                                                    <br />
                                                    <span class="text">{texts}</span>
                                                }
                                            })
                                    }
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </section>
    }
}
