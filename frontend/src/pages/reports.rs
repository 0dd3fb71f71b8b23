//! «Отчетность»: the chart of a month (by days) or a year (by months), the cards, the
//! dashboards by status and by terminal, and «Сформировать отчет» (xlsx).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::Role;
use shared::dto::analytics::{Analytics, Period};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::bar_chart::{Bar, BarChart, Format};
use crate::components::state::{ErrorState, Loading};
use crate::format;
use crate::i18n::{reports as t, transactions as tx};
use crate::load::Load;
use crate::session::use_session;

#[derive(Clone, Debug, PartialEq)]
struct Point {
    x: f64,
    volume: f64,
    count: f64,
}

fn points(a: &Analytics) -> Vec<Point> {
    a.buckets
        .iter()
        .enumerate()
        .map(|(i, b)| Point {
            x: (i + 1) as f64,
            // Kopecks over a hundred: the same f64 as parsing the decimal (both operands are exact
            // and the division rounds once), without the float parser in the wasm.
            volume: b.volume.minor_units() as f64 / 100.0,
            count: b.count as f64,
        })
        .collect()
}

/// `12 345 ₽`, `1,2 млн ₽` on the axis.
fn rub_short(v: f64) -> String {
    if v.abs() >= 1_000_000.0 {
        format!("{:.1} млн ₽", v / 1_000_000.0).replace('.', ",")
    } else if v.abs() >= 1_000.0 {
        format!("{:.0} тыс ₽", v / 1_000.0)
    } else {
        format!("{v:.0} ₽")
    }
}

fn current_year_month() -> (i32, u32) {
    let d = js_sys::Date::new_0();
    (d.get_full_year() as i32, d.get_month() + 1)
}

/// Saves bytes as a file through a temporary link.
fn save(bytes: &[u8], name: &str) -> Result<(), wasm_bindgen::JsValue> {
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let session = use_session();
    let (year0, month0) = current_year_month();
    let period = RwSignal::new(Period::Month);
    let year = RwSignal::new(year0);
    let month = RwSignal::new(month0);
    let org = RwSignal::new(String::new());
    let orgs = Load::new(api::organizations);
    let show_orgs = move || {
        session.user.with(|u| u.as_ref().is_some_and(|u| u.role == Role::Admin))
            || orgs.get().and_then(|r| r.ok()).is_some_and(|o| o.len() > 1)
    };
    let query = move || {
        let (p, date) = match period.get() {
            Period::Month => ("month", format!("{:04}-{:02}-01", year.get(), month.get())),
            Period::Year => ("year", format!("{:04}-01-01", year.get())),
        };
        let org = org.get();
        let org = if org.is_empty() { String::new() } else { format!("&organization_id={org}") };
        format!("period={p}&date={date}{org}")
    };
    let analytics = Load::new(move || {
        let q = query();
        async move { api::analytics(&q).await }
    });
    let data = Signal::derive(move || analytics.get().and_then(|r| r.ok()).map(|a| points(&a)).unwrap_or_default());

    // «Сформировать отчет» opens a dialog (the manual's «Х» closes it): any dates, the
    // organization, the status, the type; it starts from the period on screen.
    let dialog = RwSignal::new(false);
    let open_dialog = move |_| dialog.set(true);
    let period_bounds = move || match period.get_untracked() {
        Period::Month => {
            let (y, m) = (year.get_untracked(), month.get_untracked());
            let days = [
                31,
                if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ][(m - 1) as usize];
            (format!("{y:04}-{m:02}-01"), format!("{y:04}-{m:02}-{days:02}"))
        }
        Period::Year => (format!("{:04}-01-01", year.get_untracked()), format!("{:04}-12-31", year.get_untracked())),
    };
    let x_label = move |x: &f64| -> String {
        let i = x.round() as usize;
        match period.get_untracked() {
            Period::Month => format!("{i:02}"),
            Period::Year => t::MONTHS.get(i.saturating_sub(1)).copied().unwrap_or("").to_owned(),
        }
    };
    let by_count = RwSignal::new(false);
    let picker = RwSignal::new(false);

    view! {
        <section class="page">
            <header class="page-header wrap">
                <h1>{t::TITLE}</h1>
                <div class="date-range">
                    // The manual's «Месяц ∨» and its picker «Июнь, 2024».
                    <select name="period" aria-label=t::PERIOD prop:value=move || if period.get() == Period::Month { "month" } else { "year" }
                        on:change=move |ev| period.set(if event_target_value(&ev) == "year" { Period::Year } else { Period::Month })>
                        <option value="month">{t::MONTH}</option>
                        <option value="year">{t::YEAR}</option>
                    </select>
                    <div class="picker">
                        <button type="button" class="button picker-toggle" aria-haspopup="true" aria-expanded=move || picker.get().to_string()
                            on:click=move |_| picker.update(|p| *p = !*p) data-testid="period-picker">
                            {move || match period.get() {
                                Period::Month => format!("{}, {}", t::MONTHS_FULL[(month.get() - 1) as usize], year.get()),
                                Period::Year => year.get().to_string(),
                            }}
                            " ∨"
                        </button>
                        <Show when=move || picker.get()>
                            <div class="picker-pop" role="group" aria-label=t::PERIOD>
                                <div class="picker-year">
                                    <button type="button" class="button ghost small" aria-label=t::PREV_YEAR on:click=move |_| year.update(|y| *y -= 1)>"‹"</button>
                                    <span>{move || year.get()}</span>
                                    <button type="button" class="button ghost small" aria-label=t::NEXT_YEAR disabled=move || year.get() >= year0
                                        on:click=move |_| year.update(|y| *y += 1)>"›"</button>
                                </div>
                                <Show when=move || period.get() == Period::Month
                                    fallback=move || view! { <button type="button" class="button small" on:click=move |_| picker.set(false)>{t::CHOOSE}</button> }>
                                    <div class="picker-months">
                                        {(1..=12u32).map(|m| view! {
                                            <button type="button" class="button small" aria-pressed=move || (month.get() == m).to_string()
                                                class:on=move || month.get() == m
                                                on:click=move |_| { month.set(m); picker.set(false); }>
                                                {t::MONTHS_FULL[(m - 1) as usize]}
                                            </button>
                                        }).collect_view()}
                                    </div>
                                </Show>
                            </div>
                        </Show>
                    </div>
                    <Show when=show_orgs>
                        <select name="organization_id" aria-label=tx::ORGANIZATION prop:value=move || org.get() on:change=move |ev| org.set(event_target_value(&ev))>
                            <option value="">{tx::ANY_ORGANIZATION}</option>
                            {move || orgs.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                                .map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                        </select>
                    </Show>
                    <button type="button" class="button primary" aria-haspopup="dialog" on:click=open_dialog>{t::EXPORT}</button>
                </div>
            </header>
            {move || dialog.get().then(|| {
                let (from, to) = period_bounds();
                view! { <ReportDialog from=from to=to org=org.get_untracked() orgs=orgs close=Callback::new(move |()| dialog.set(false)) /> }
            })}
            <Suspense fallback=Loading>
                {move || analytics.get().map(|res| match res {
                    Err(e) => view! { <div class="card"><ErrorState error=e retry=analytics.reloader() /></div> }.into_any(),
                    Ok(a) => view! { <Cards a=a.clone() /> <Dashboards a=a.clone() /> <ChartTable a=a /> }.into_any(),
                })}
            </Suspense>
            <div class="card chart-card" data-testid="chart">
                <div class="segmented small" role="group" aria-label=t::METRIC>
                    <button type="button" class:on=move || !by_count.get() aria-pressed=move || (!by_count.get()).to_string() on:click=move |_| by_count.set(false)>{t::SERIES_VOLUME}</button>
                    <button type="button" class:on=move || by_count.get() aria-pressed=move || by_count.get().to_string() on:click=move |_| by_count.set(true)>{t::SERIES_COUNT}</button>
                </div>
                {move || {
                    let empty = data.get().iter().all(|p| p.count == 0.0);
                    let counting = by_count.get();
                    if empty && analytics.get().is_some() {
                        return view! { <div class="state state-empty" data-testid="no-data">{t::NO_DATA}</div> }.into_any();
                    }
                    let (name, axis, tip): (&str, Format, Format) = if counting {
                        (t::SERIES_COUNT, |v| format!("{v:.0}"), |v| format!("{v:.0}"))
                    } else {
                        (t::SERIES_VOLUME, rub_short, |v| format!("{v:.2} ₽").replace('.', ","))
                    };
                    let bars = data.get().iter().map(|p| Bar { label: x_label(&p.x), value: if counting { p.count } else { p.volume } }).collect();
                    view! { <BarChart bars=bars name=name axis=axis tip=tip /> }.into_any()
                }}
                <p class="hint">{t::VOLUME_NOTE}</p>
            </div>
        </section>
    }
}

#[component]
fn Cards(a: Analytics) -> impl IntoView {
    let c = a.cards;
    view! {
        <div class="cards">
            <div class="card stat" data-testid="average"><span class="stat-label">{t::AVERAGE}</span><span class="stat-value">{format::money(&c.average_ticket)}</span></div>
            <div class="card stat" data-testid="fees"><span class="stat-label">{t::FEES}</span><span class="stat-value">{format::money(&c.fees)}</span></div>
            <div class="card stat" data-testid="volume"><span class="stat-label">{t::VOLUME}</span><span class="stat-value">{format::money(&c.volume)}</span></div>
            <div class="card stat" data-testid="count"><span class="stat-label">{t::COUNT}</span><span class="stat-value">{format::count(c.count)}</span>
                <span class="muted">{t::COUNT_NOTE}</span>
                <span class="muted">{t::SUCCESS}": "{c.success_rate.map(|r| format!("{}%", r.replace('.', ","))).unwrap_or_else(|| "—".to_owned())}</span></div>
        </div>
    }
}

#[component]
fn Dashboards(a: Analytics) -> impl IntoView {
    let max_status = a.by_status.iter().map(|s| s.count).max().unwrap_or(1).max(1);
    let max_type = a.by_type.iter().map(|s| s.amount.minor_units()).max().unwrap_or(1).max(1);
    view! {
        <div class="grid-2 even">
            <div class="card" data-testid="by-status">
                <h2>{t::BY_STATUS}</h2>
                {a.by_status.iter().map(|s| view! {
                    <div class="meter">
                        <span class=format!("status status-{}", s.status)>{tx::status(s.status)}</span>
                        <span class="meter-bar"><span style=format!("width:{}%", s.count * 100 / max_status)></span></span>
                        <span class="num">{format::count(s.count)}</span>
                    </div>
                }).collect_view()}
                <div class="meter total">
                    <span class="meter-label">{t::TOTAL}</span><span></span>
                    <span class="num" data-testid="status-total">{format::count(a.by_status.iter().map(|s| s.count).sum())}</span>
                </div>
            </div>
            <div class="card" data-testid="by-type">
                <h2>{t::BY_TYPE}</h2>
                {a.by_type.iter().map(|s| view! {
                    <div class="meter">
                        <span class="meter-label">{tx::kind(s.kind)}</span>
                        <span class="meter-bar"><span style=format!("width:{}%", s.amount.minor_units() * 100 / max_type)></span></span>
                        <span class="num">{format::money(&s.amount)}</span>
                    </div>
                }).collect_view()}
                <div class="meter muted">
                    <span class="meter-label">{t::REFUNDS}</span><span></span>
                    <span class="num">{format::money(&a.refunds.amount)}</span>
                </div>
            </div>
        </div>
    }
}

/// The chart's figures as a table, for screen readers and for reading exact numbers.
#[component]
fn ChartTable(a: Analytics) -> impl IntoView {
    view! {
        <details class="card chart-table">
            <summary>{t::TABLE}</summary>
            <table class="table" data-testid="chart-table">
                <caption class="visually-hidden">{t::TITLE}</caption>
                <thead><tr><th scope="col">{t::PERIOD}</th><th scope="col">{t::COUNT}</th><th scope="col">{t::VOLUME}</th><th scope="col">{t::FEES}</th></tr></thead>
                <tbody>
                    {a.buckets.iter().map(|b| view! {
                        <tr>
                            <th scope="row">{b.date.clone()}</th>
                            <td class="num">{format::count(b.count)}</td>
                            <td class="num">{format::money(&b.volume)}</td>
                            <td class="num">{format::money(&b.fees)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// The report's own filter: any dates, an organization, a status, a type. Up to the
/// synchronous limit the file downloads at once; past it, the background export takes over.
#[component]
fn ReportDialog(
    from: String,
    to: String,
    org: String,
    orgs: Load<Vec<shared::dto::organizations::OrganizationSummary>>,
    close: Callback<()>,
) -> impl IntoView {
    let from = RwSignal::new(from);
    let to = RwSignal::new(to);
    let org = RwSignal::new(org);
    let status = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let too_large = RwSignal::new(None::<String>);
    let query = move || {
        let mut q = format!("from={}&to={}", from.get_untracked(), to.get_untracked());
        for (k, v) in [
            ("organization_id", org.get_untracked()),
            ("status", status.get_untracked()),
            ("type", kind.get_untracked()),
        ] {
            if !v.is_empty() {
                q.push_str(&format!("&{k}={v}"));
            }
        }
        q
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query();
        let name = format!("clickpay-transactions-{}-{}.xlsx", from.get_untracked(), to.get_untracked());
        pending.set(true);
        error.set(None);
        too_large.set(None);
        spawn_local(async move {
            match api::report_xlsx(&q).await {
                Ok(bytes) => {
                    if save(&bytes, &name).is_err() {
                        error.set(Some(crate::i18n::common::SERVER.to_owned()));
                    } else {
                        close.run(());
                    }
                }
                Err(e) if e.code() == Some(shared::ErrorCode::ExportTooLarge) => too_large.set(Some(q)),
                Err(e) => error.set(Some(e.user_message())),
            }
            pending.set(false);
        });
    };
    view! {
        <div class="card report-dialog" role="dialog" aria-modal="false" aria-labelledby="report-dialog-title" data-testid="report-dialog">
            <div class="card-head">
                <h2 id="report-dialog-title">{t::EXPORT}</h2>
                <button type="button" class="button ghost small" aria-label=t::CLOSE on:click=move |_| close.run(())>"×"</button>
            </div>
            <form class="form-row" on:submit=submit novalidate>
                <label class="field"><span class="field-label">{tx::FROM}</span>
                    <input type="date" name="report-from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) /></label>
                <label class="field"><span class="field-label">{tx::TO}</span>
                    <input type="date" name="report-to" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev)) /></label>
                <label class="field"><span class="field-label">{tx::ORGANIZATION}</span>
                    <select name="report-organization" prop:value=move || org.get() on:change=move |ev| org.set(event_target_value(&ev))>
                        <option value="">{tx::ANY_ORGANIZATION}</option>
                        {move || orgs.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                            .map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                    </select></label>
                <label class="field"><span class="field-label">{tx::STATUS}</span>
                    <select name="report-status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">{tx::ANY_STATUS}</option>
                        {shared::OperationStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{tx::status(*s)}</option> }).collect_view()}
                    </select></label>
                <label class="field"><span class="field-label">{tx::TYPE}</span>
                    <select name="report-type" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="">{tx::ANY_TYPE}</option>
                        {shared::OperationType::ALL.iter().map(|k| view! { <option value=k.as_str()>{tx::kind(*k)}</option> }).collect_view()}
                    </select></label>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { view! { <span class="spinner light"></span>{t::EXPORTING} }.into_any() } else { t::DOWNLOAD_XLSX.into_any() }}
                </button>
            </form>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || too_large.get().map(|q| view! {
                <p class="notice" role="status">{t::TOO_LARGE}</p>
                <crate::components::export::ExportButton query=Signal::stored(q) />
            })}
        </div>
    }
}
