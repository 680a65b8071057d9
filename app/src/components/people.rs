//! People as the pages show them: a photo (or their initials when TMDb has none) and a name
//! that links to their page, with what they did on a movie.

use leptos::either::Either;
use leptos::prelude::*;

/// One person in a row of cast or crew: photo, name and role, linking to their page.
#[component]
pub fn PersonTile(id: u64, name: String, role: Option<String>, photo: Option<String>) -> impl IntoView {
    view! {
        <li class="person-tile">
            <a href=format!("/person/{id}")>
                <PersonPhoto name=name.clone() photo width=92/>
                <span class="person-name">{name}</span>
                {role.filter(|role| !role.is_empty()).map(|role| view! { <span class="person-role">{role}</span> })}
            </a>
        </li>
    }
}

/// A person's photo at `width` CSS pixels (2:3), or their initials on a plain tile. The photo
/// is decorative: the name is always next to it. `eager` for the one at the top of a page.
#[component]
pub fn PersonPhoto(name: String, photo: Option<String>, width: u32, #[prop(optional)] eager: bool) -> impl IntoView {
    let height = width * 3 / 2;
    view! {
        <span class="person-photo" style=format!("width: {width}px")>
            {match photo {
                // `Either`, not `into_any()`: the search island renders tiles, and type erasure
                // costs WASM.
                Some(url) => Either::Left(view! {
                    <img src=url alt="" width=width height=height loading=if eager { "eager" } else { "lazy" } decoding="async"/>
                }),
                None => Either::Right(view! { <span class="initials" aria-hidden="true">{initials(&name)}</span> }),
            }}
        </span>
    }
}

/// "Christopher Nolan" → "CN"; at most three letters.
pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|word| word.chars().next()).flat_map(char::to_uppercase).take(3).collect()
}

/// An ISO date as people read it: "1970-07-30" → "30 July 1970"; anything else as it is.
pub fn long_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = iso.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    match (month.parse::<usize>(), day.parse::<u32>()) {
        (Ok(month @ 1..=12), Ok(day @ 1..=31)) => format!("{day} {} {year}", MONTHS[month - 1]),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_dates_read_well() {
        assert_eq!(initials("Christopher Nolan"), "CN");
        assert_eq!(initials("  jean-pierre   jeunet "), "JJ");
        assert_eq!(initials("Ang"), "A");
        assert_eq!(long_date("1970-07-30"), "30 July 1970");
        assert_eq!(long_date("1970-13-30"), "1970-13-30");
        assert_eq!(long_date("1970"), "1970");
    }
}
