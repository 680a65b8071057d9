use leptos::prelude::*;

/// A readable error with a way to try again.
#[component]
pub fn ErrorNotice(errors: ArcRwSignal<Errors>, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let messages = move || errors.get().into_iter().map(|(_, error)| error.to_string()).collect::<Vec<_>>();
    view! {
        <div class="error-notice" role="alert">
            <h2>"That did not work"</h2>
            <ul>{move || messages().into_iter().map(|message| view! { <li>{message}</li> }).collect_view()}</ul>
            {retry.map(|retry| view! {
                <button type="button" on:click=move |_| retry.run(())>"Try again"</button>
            })}
        </div>
    }
}
