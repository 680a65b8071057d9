//! Posters and backdrops drawn as SVG from a film's id and title, so the UI looks complete
//! with no image service.

use std::fmt::Write;

/// The sizes TMDb's `/configuration` lists; any of them is accepted in an image URL.
pub const POSTER_SIZES: &[&str] = &["w92", "w154", "w185", "w342", "w500", "w780", "original"];
pub const BACKDROP_SIZES: &[&str] = &["w300", "w780", "w1280", "original"];
pub const PROFILE_SIZES: &[&str] = &["w45", "w185", "h632", "original"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Poster,
    Backdrop,
    /// A person's photo; the id is the person's, not a film's.
    Profile,
}

impl ImageKind {
    pub fn path(self, id: u64) -> String {
        match self {
            Self::Poster => format!("/poster-{id}.svg"),
            Self::Backdrop => format!("/backdrop-{id}.svg"),
            Self::Profile => format!("/profile-{id}.svg"),
        }
    }

    /// Parses a file name such as `poster-42.svg`.
    pub fn parse_file(file: &str) -> Option<(Self, u64)> {
        let stem = file.strip_suffix(".svg")?;
        let (kind, id) = stem.split_once('-')?;
        let kind = match kind {
            "poster" => Self::Poster,
            "backdrop" => Self::Backdrop,
            "profile" => Self::Profile,
            _ => return None,
        };
        Some((kind, id.parse().ok()?))
    }
}

pub fn is_known_size(size: &str) -> bool {
    POSTER_SIZES.contains(&size) || BACKDROP_SIZES.contains(&size) || PROFILE_SIZES.contains(&size)
}

/// A person's portrait: their initials over a colour of their own, and their name.
pub fn render_profile(id: u64, name: &str) -> String {
    let hue = (id.wrapping_mul(89) % 360) as u32;
    let initials: String = name.split_whitespace().filter_map(|word| word.chars().next()).take(3).collect();
    let mut svg = String::with_capacity(768);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 450" width="300" height="450" role="img" aria-label="{label}"><rect width="100%" height="100%" fill="hsl({hue},35%,24%)"/><circle cx="150" cy="170" r="96" fill="hsl({hue},45%,46%)"/><text x="150" y="198" text-anchor="middle" font-family="system-ui,sans-serif" font-weight="700" font-size="80" fill="#fff">{initials}</text>"##,
        label = escape(name),
        initials = escape(&initials)
    );
    for (index, line) in wrap(name, 16).iter().take(2).enumerate() {
        let _ = write!(
            svg,
            r##"<text x="150" y="{y}" text-anchor="middle" font-family="system-ui,sans-serif" font-size="30" fill="#fff">{text}</text>"##,
            y = 340 + index * 38,
            text = escape(line)
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(kind: ImageKind, id: u64, title: &str, year: Option<i32>) -> String {
    let hue = (id.wrapping_mul(137) % 360) as u32;
    let accent = (hue + 40) % 360;
    let (width, height, chars_per_line, font_size) = match kind {
        ImageKind::Poster | ImageKind::Profile => (500, 750, 14, 44),
        ImageKind::Backdrop => (1280, 720, 28, 64),
    };
    let mut svg = String::with_capacity(1024);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{label}">"##,
        label = escape(title)
    );
    let _ = write!(
        svg,
        r##"<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl({hue},55%,32%)"/><stop offset="1" stop-color="hsl({accent},60%,14%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>"##
    );
    let _ = write!(
        svg,
        r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="hsl({accent},70%,60%)" opacity="0.18"/>"##,
        cx = width * 3 / 4,
        cy = height / 4,
        r = height / 3
    );
    let lines = wrap(title, chars_per_line);
    let line_height = font_size + 10;
    let first_y = height / 2 - (lines.len() as i32 * line_height) / 2 + font_size;
    for (index, line) in lines.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="50%" y="{y}" text-anchor="middle" font-family="system-ui,sans-serif" font-weight="700" font-size="{font_size}" fill="#fff">{text}</text>"##,
            y = first_y + index as i32 * line_height,
            text = escape(line)
        );
    }
    if let Some(year) = year {
        let _ = write!(
            svg,
            r##"<text x="50%" y="{y}" text-anchor="middle" font-family="system-ui,sans-serif" font-size="{size}" fill="#fff" opacity="0.75">{year}</text>"##,
            y = height - font_size,
            size = font_size * 2 / 3
        );
    }
    svg.push_str("</svg>");
    svg
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.truncate(5);
    lines
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip() {
        let path = ImageKind::Poster.path(42);
        assert_eq!(ImageKind::parse_file(path.trim_start_matches('/')), Some((ImageKind::Poster, 42)));
        assert_eq!(ImageKind::parse_file("poster-x.svg"), None);
        assert_eq!(ImageKind::parse_file("logo-1.svg"), None);
    }

    #[test]
    fn titles_are_escaped_and_wrapped() {
        let portrait = render_profile(3, "Jean-Pierre <Jeunet> & Co");
        assert!(portrait.contains(">J&lt;&amp;<") && !portrait.contains("<Jeunet>"), "{portrait}");
        let svg = render(ImageKind::Poster, 7, "Tom & Jerry <The Movie> with a very long title indeed", Some(1992));
        assert!(svg.contains("Tom &amp; Jerry"));
        assert!(!svg.contains("<The"));
        assert!(svg.matches("<text").count() >= 3);
    }
}
