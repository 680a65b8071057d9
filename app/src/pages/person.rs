//! A person's page: photo, biography, what they are known for, and their filmography, each
//! movie linking to its page.

use api_types::{PersonCredit, PersonDetails};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use super::movie::mark_not_found;
use crate::AppError;
use crate::components::{CardMovie, ErrorNotice, MovieGrid, PersonPhoto, absolute_url, long_date};

/// What the person page shows: the person, and the movies they are known for as cards marked
/// with what the signed-in user has done with each.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PersonView {
    pub person: PersonDetails,
    pub known_for: Vec<CardMovie>,
}

/// Everything the person page shows, in one call to the catalog service.
#[server(input = GetUrl)]
pub async fn get_person(id: u64) -> Result<PersonView, AppError> {
    let services = crate::server::services()?;
    let mut person = services.catalog.person(id, &crate::server::locale().language).await?;
    let known_for = std::mem::take(&mut person.known_for).into_iter().map(CardMovie::from).collect();
    let known_for = crate::server::marked_row(known_for).await;
    Ok(PersonView { person, known_for })
}

#[component]
pub fn PersonPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<u64>().ok()));
    let person = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_person(id).await,
                None => Err(AppError::not_found()),
            }
        },
    );

    view! {
        <Suspense fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            <ErrorBoundary fallback=move |errors| {
                mark_not_found(&errors);
                view! {
                    <Title text="Person unavailable"/>
                    <Meta name="description" content="This person could not be shown."/>
                    <ErrorNotice errors/>
                }
            }>
                {move || Suspend::new(async move { person.await.map(|view| view! { <PersonDetailsView view/> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn PersonDetailsView(view: PersonView) -> impl IntoView {
    let PersonView { person, known_for } = view;
    let facts: Vec<String> = [
        person.known_for_department.clone(),
        person.birthday.as_deref().map(|day| match &person.place_of_birth {
            Some(place) => format!("Born {} in {place}", long_date(day)),
            None => format!("Born {}", long_date(day)),
        }),
        person.deathday.as_deref().map(|day| format!("Died {}", long_date(day))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let description = if person.biography.is_empty() {
        format!("{}'s movies on Nexus.", person.name)
    } else {
        person.biography.chars().take(160).collect()
    };
    let address = absolute_url(&format!("/person/{}", person.id));
    let paragraphs: Vec<String> =
        person.biography.split('\n').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
    let discover = format!("/discover?with_people={}&sort=newest", person.id);
    view! {
        <Title text=person.name.clone()/>
        <Meta name="description" content=description.clone()/>
        {address.clone().map(|address| view! { <Link rel="canonical" href=address/> })}
        <Meta property="og:type" content="profile"/>
        <Meta property="og:site_name" content="Nexus"/>
        <Meta property="og:title" content=person.name.clone()/>
        <Meta property="og:description" content=description/>
        {address.map(|address| view! { <Meta property="og:url" content=address/> })}
        {person.profile_url.clone().map(|photo| view! {
            <Meta property="og:image" content=photo/>
            <Meta property="og:image:alt" content=format!("Photo of {}", person.name)/>
        })}
        <Meta name="twitter:card" content="summary"/>
        <article class="person-page">
            <div class="person-hero">
                <PersonPhoto name=person.name.clone() photo=person.profile_url.clone() width=220 eager=true/>
                <div class="person-facts">
                    <h1>{person.name.clone()}</h1>
                    {(!facts.is_empty()).then(|| view! { <p class="facts">{facts.join(" · ")}</p> })}
                    {if paragraphs.is_empty() {
                        view! { <p class="muted">"No biography yet."</p> }.into_any()
                    } else {
                        paragraphs.into_iter().map(|text| view! { <p class="overview">{text}</p> }).collect_view().into_any()
                    }}
                    <p><a class="button-link" href=discover>"Browse their movies in Discover"</a></p>
                </div>
            </div>
            {(!known_for.is_empty()).then(|| view! {
                <section aria-labelledby="known-for-heading">
                    <h2 id="known-for-heading">"Known for"</h2>
                    <MovieGrid movies=known_for label="Known for" eager=0/>
                </section>
            })}
            <Filmography id="crew" heading="Behind the camera" credits=person.crew/>
            <Filmography id="cast" heading="Acting" credits=person.cast/>
        </article>
    }
}

/// One list of a filmography: year, title (a link) and roles, newest first.
#[component]
fn Filmography(id: &'static str, heading: &'static str, credits: Vec<PersonCredit>) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    (!credits.is_empty()).then(|| {
        view! {
            <section aria-labelledby=labelled_by>
                <h2 id=heading_id>{heading}</h2>
                <ol class="filmography" aria-label=heading>
                    {credits.into_iter().map(|credit| view! {
                        <li>
                            <span class="year">{credit.movie.year.map(|y| y.to_string()).unwrap_or_else(|| "—".to_owned())}</span>
                            <a href=format!("/movie/{}", credit.movie.id)>{credit.movie.title}</a>
                            {(!credit.roles.is_empty()).then(|| view! { <span class="roles">{credit.roles.join(", ")}</span> })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}
