"""MovieLens-100k, read from the `recbole` wheel (never stored in this repository: GroupLens'
terms forbid redistributing it), and mapped onto the emulator's bundled catalog."""

import re
import unicodedata
import zipfile

INTER = "recbole/dataset_example/ml-100k/ml-100k.inter"
ITEM = "recbole/dataset_example/ml-100k/ml-100k.item"
ARTICLES = ("the", "a", "an", "la", "le", "les", "il", "el", "das", "der", "die")


def normalise_title(title):
    """Lowercase ASCII words of a title, with a trailing article moved back to the front
    ("Usual Suspects, The" is "the usual suspects") and any "(a.k.a. ...)" dropped."""
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title.strip())
    match = re.match(r"^(.*), (" + "|".join(ARTICLES) + r")$", title, flags=re.IGNORECASE)
    if match:
        title = f"{match.group(2)} {match.group(1)}"
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_title.lower()))


def read_wheel(path):
    """(ratings, items): ratings as (user, item, rating, timestamp); items as id -> (title, year)."""
    with zipfile.ZipFile(path) as wheel:
        inter = wheel.read(INTER).decode("latin-1").splitlines()[1:]
        item_lines = wheel.read(ITEM).decode("latin-1").splitlines()[1:]
    ratings = []
    for line in inter:
        user, item, rating, timestamp = line.split("\t")
        ratings.append((user, item, float(rating), float(timestamp)))
    items = {}
    for line in item_lines:
        fields = line.split("\t")
        year = int(fields[2]) if len(fields) > 2 and fields[2].isdigit() else None
        items[fields[0]] = (fields[1], year)
    return ratings, items


def map_to_catalog(items, catalog):
    """MovieLens item id -> catalog id, by normalised title and year: the same year, or a
    unique match one year off. `catalog` is the emulator's movies.json."""
    by_title = {}
    for movie in catalog:
        year = int(movie["release_date"][:4]) if movie.get("release_date") else None
        by_title.setdefault(normalise_title(movie["title"]), []).append((year, movie["id"]))
    mapping = {}
    for item, (title, year) in items.items():
        candidates = by_title.get(normalise_title(title), [])
        exact = [movie for movie_year, movie in candidates if movie_year == year]
        near = [movie for movie_year, movie in candidates if year and movie_year and abs(movie_year - year) == 1]
        if len(exact) == 1:
            mapping[item] = exact[0]
        elif not exact and len(near) == 1:
            mapping[item] = near[0]
    return mapping


def positives_by_user(ratings, mapping, threshold=4.0):
    """Each user's liked catalog movies (rating >= threshold), oldest first, each once."""
    by_user = {}
    for user, item, rating, timestamp in ratings:
        if rating >= threshold and item in mapping:
            by_user.setdefault(user, []).append((timestamp, mapping[item]))
    result = {}
    for user, rows in by_user.items():
        seen = set()
        ordered = []
        for _, movie in sorted(rows):
            if movie not in seen:
                seen.add(movie)
                ordered.append(movie)
        result[user] = ordered
    return result
