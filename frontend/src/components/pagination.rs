//! Numbered pages: `< 1 2 3 4 5 … 32 >`.

use leptos::prelude::*;

use crate::i18n::transactions as t;

/// The page numbers to show around `current`, with `None` for a gap.
pub fn window(current: u32, last: u32) -> Vec<Option<u32>> {
    let mut pages: Vec<u32> = vec![1, last, current];
    for p in current.saturating_sub(2)..=current + 2 {
        pages.push(p);
    }
    if current <= 4 {
        pages.extend(1..=5.min(last));
    }
    if current + 3 >= last {
        pages.extend(last.saturating_sub(4).max(1)..=last);
    }
    pages.retain(|p| *p >= 1 && *p <= last);
    pages.sort_unstable();
    pages.dedup();
    let mut out = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        if i > 0 && *p > pages[i - 1] + 1 {
            out.push(None);
        }
        out.push(Some(*p));
    }
    out
}

#[component]
pub fn Pagination(current: u32, last: u32, on_page: Callback<u32>) -> impl IntoView {
    (last > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=t::PAGES>
                <button type="button" class="page-arrow" aria-label=t::PREV disabled=current <= 1 on:click=move |_| on_page.run(current - 1)>"‹"</button>
                {window(current, last)
                    .into_iter()
                    .map(|p| match p {
                        Some(p) => view! {
                            <button type="button" class="page" class:current=p == current aria-current=(p == current).then_some("page")
                                on:click=move |_| on_page.run(p)>{p}</button>
                        }
                        .into_any(),
                        None => view! { <span class="gap">"…"</span> }.into_any(),
                    })
                    .collect_view()}
                <button type="button" class="page-arrow" aria-label=t::NEXT disabled=current >= last on:click=move |_| on_page.run(current + 1)>"›"</button>
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn windows_keep_the_ends_and_the_neighbourhood() {
        let show = |c, l| {
            window(c, l).into_iter().map(|p| p.map_or("…".to_owned(), |n| n.to_string())).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(show(1, 32), "1 2 3 4 5 … 32");
        assert_eq!(show(10, 32), "1 … 8 9 10 11 12 … 32");
        assert_eq!(show(32, 32), "1 … 28 29 30 31 32");
        assert_eq!(show(2, 3), "1 2 3");
    }
}
