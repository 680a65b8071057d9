#!/usr/bin/env python3
"""Convert vega-datasets' movies.json into the emulator's bundled catalog.

Source: the npm package `vega-datasets` (BSD-3-Clause), file `data/movies.json`:
3,201 films with title, release date, major genre, creative type, director, MPAA rating,
running time, grosses, budget, IMDb and Rotten Tomatoes ratings.

Usage (from the repository root):
    npm pack vega-datasets@3.2.1 --pack-destination /tmp && tar -xzf /tmp/vega-datasets-3.2.1.tgz -C /tmp
    python3 emulator/catalog/convert.py /tmp/package/data/movies.json > emulator/catalog/movies.json

What the conversion does, and why:
- ids are the 1-based position in the source file, so they are stable for a pinned dataset version;
- titles that are numbers in the source ("1776", "2012") become strings; the one film without a
  title is dropped, since nothing can show or find it;
- release dates like "Jun 12 1998" become ISO dates. The source parsed some two-digit years into
  the future ("Dec 31 2046" is a 1946 film): any year after the dataset's last real year (2010)
  is moved back a century;
- "Major Genre" and "Creative Type" map onto TMDb's genre ids (GENRES below), so filters behave
  as they do on TMDb;
- titles are repaired: the source's text was written in Windows-1252 and then read as Mac Roman,
  so "Léon" reads "LÈon" and "Per qualche dollaro in più" reads "Per qualche dollaro in pi˘".
  Encoding back to Mac Roman and decoding as Windows-1252 undoes it; a title with a character
  Mac Roman cannot hold ("Alien³") was never garbled and is kept (see repair_text);
- every other field is kept as it is, null where the source has none. Derived values (popularity,
  trending, similarity) are computed by the emulator, not stored here.
"""
import datetime
import json
import sys

LAST_REAL_YEAR = 2010

# TMDb genre ids, as listed by TMDb's /genre/movie/list.
ACTION, ADVENTURE, COMEDY, CRIME, DOCUMENTARY, DRAMA, FAMILY = 28, 12, 35, 80, 99, 18, 10751
FANTASY, HISTORY, HORROR, MUSIC, ROMANCE, SCIFI, THRILLER, WESTERN = 14, 36, 27, 10402, 10749, 878, 53, 37

MAJOR_GENRE = {
    "Action": [ACTION],
    "Adventure": [ADVENTURE],
    "Black Comedy": [COMEDY, CRIME],
    "Comedy": [COMEDY],
    "Concert/Performance": [MUSIC, DOCUMENTARY],
    "Documentary": [DOCUMENTARY],
    "Drama": [DRAMA],
    "Horror": [HORROR],
    "Musical": [MUSIC],
    "Romantic Comedy": [ROMANCE, COMEDY],
    "Thriller/Suspense": [THRILLER],
    "Western": [WESTERN],
}
CREATIVE_TYPE = {
    "Fantasy": [FANTASY],
    "Historical Fiction": [HISTORY],
    "Kids Fiction": [FAMILY],
    "Science Fiction": [SCIFI],
    "Super Hero": [ACTION, SCIFI],
}


def repair_text(text):
    """Undo the source's Windows-1252-read-as-Mac-Roman garbling; ASCII is unaffected."""
    try:
        return text.encode("mac_roman").decode("cp1252")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def release_date(text):
    day = datetime.datetime.strptime(text, "%b %d %Y").date()
    if day.year > LAST_REAL_YEAR:
        day = day.replace(year=day.year - 100)
    return day.isoformat()


def genre_ids(film):
    ids = []
    for gid in MAJOR_GENRE.get(film["Major Genre"], []) + CREATIVE_TYPE.get(film["Creative Type"], []):
        if gid not in ids:
            ids.append(gid)
    return ids


def convert(films):
    catalog = []
    for position, film in enumerate(films, start=1):
        if film["Title"] is None:
            continue
        catalog.append({
            "id": position,
            "title": repair_text(str(film["Title"])),
            "release_date": release_date(film["Release Date"]),
            "genre_ids": genre_ids(film),
            "director": film["Director"],
            "certification": film["MPAA Rating"],
            "runtime": film["Running Time min"],
            "distributor": film["Distributor"],
            "source": film["Source"],
            "creative_type": film["Creative Type"],
            "budget": film["Production Budget"],
            "us_gross": film["US Gross"],
            "worldwide_gross": film["Worldwide Gross"],
            "imdb_rating": film["IMDB Rating"],
            "imdb_votes": film["IMDB Votes"],
            "rotten_tomatoes": film["Rotten Tomatoes Rating"],
        })
    return catalog


def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        films = json.load(source)
    json.dump(convert(films), sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
