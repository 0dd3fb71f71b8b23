//! «Выгрузить в Excel»: exports exactly the list's current filter in the background, shows the
//! rows done with a progress bar, and offers the file when it is ready. No request stays open
//! while the file is built.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::dto::transactions::ExportView;

use crate::api;
use crate::format;
use crate::i18n::transactions as t;

#[component]
pub fn ExportButton(query: Signal<String>) -> impl IntoView {
    let export = RwSignal::new(None::<ExportView>);
    let error = RwSignal::new(None::<String>);
    let busy = move || export.get().is_some_and(|e| e.status == "queued" || e.status == "running");
    let start = move |_| {
        error.set(None);
        let qs = query.get_untracked();
        spawn_local(async move {
            let mut current = match api::start_export(&qs).await {
                Ok(e) => e,
                Err(e) => {
                    error.set(Some(e.user_message()));
                    return;
                }
            };
            export.set(Some(current.clone()));
            // Ask for progress every second until the file is ready (or the export failed).
            while current.status == "queued" || current.status == "running" {
                gloo_timers::future::TimeoutFuture::new(1_000).await;
                match api::export(&current.id).await {
                    Ok(e) => {
                        current = e;
                        export.set(Some(current.clone()));
                    }
                    Err(e) => {
                        error.set(Some(e.user_message()));
                        return;
                    }
                }
            }
        });
    };
    view! {
        <button type="button" class="button" disabled=busy on:click=start>{t::EXPORT_LIST}</button>
        {move || export.get().map(|e| {
            let total = e.rows_total.unwrap_or(0);
            view! {
                <div class="export-status" role="status" data-testid="export">
                    {match e.status.as_str() {
                        "done" => view! {
                            <span>{t::EXPORT_READY}" ("{format::count(e.rows_done)}")"</span>
                            <a class="button small primary" href=format!("/cabinet/api/v1/exports/{}/file", e.id) download=e.file_name.clone()>
                                {t::DOWNLOAD}
                            </a>
                        }.into_any(),
                        "failed" => view! { <span class="danger">{t::EXPORT_FAILED}</span> }.into_any(),
                        _ => view! {
                            <span>{t::EXPORTING_ROWS}" "{format::count(e.rows_done)}{(total > 0).then(|| format!(" / {}", format::count(total)))}</span>
                            <progress max=total.max(1).to_string() value=e.rows_done.to_string() aria-label=t::EXPORT_LIST></progress>
                        }.into_any(),
                    }}
                </div>
            }
        })}
        {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
    }
}
