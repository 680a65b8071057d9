"""Unit tests of the evaluation's scoring and mapping (python3 -m unittest, from scripts/)."""

import unittest

from recs_eval.metrics import coverage, genre_diversity, ndcg_at, recall_at, split_history
from recs_eval.movielens import map_to_catalog, normalise_title, positives_by_user


class Metrics(unittest.TestCase):
    def test_recall_counts_hits_within_k_over_everything_relevant(self):
        self.assertEqual(recall_at([1, 2, 3, 4], {2, 4, 9}, 4), 2 / 3)
        self.assertEqual(recall_at([1, 2, 3, 4], {4}, 3), 0.0, "beyond k does not count")
        self.assertEqual(recall_at([1], set(), 20), 0.0)

    def test_ndcg_rewards_early_hits_and_is_one_for_a_perfect_list(self):
        self.assertAlmostEqual(ndcg_at([7, 8], {7, 8}, 20), 1.0)
        early, late = ndcg_at([7, 1, 2], {7}, 20), ndcg_at([1, 2, 7], {7}, 20)
        self.assertGreater(early, late)
        self.assertAlmostEqual(late, 0.5)  # 1/log2(4)
        self.assertEqual(ndcg_at([1, 2], {9}, 20), 0.0)

    def test_diversity_is_the_mean_pairwise_genre_distance(self):
        genres = {1: {28}, 2: {28}, 3: {35}}
        self.assertEqual(genre_diversity([1, 2], genres), 0.0)
        self.assertEqual(genre_diversity([1, 3], genres), 1.0)
        self.assertAlmostEqual(genre_diversity([1, 2, 3], genres), 2 / 3)
        self.assertAlmostEqual(genre_diversity([1, 4], {1: {28, 12}, 4: {28}}), 0.5)
        self.assertEqual(genre_diversity([1], genres), 0.0)

    def test_coverage_is_the_share_of_the_catalog_ever_shown(self):
        self.assertEqual(coverage([[1, 2], [2, 3]], 10), 0.3)
        self.assertEqual(coverage([], 10), 0.0)

    def test_the_last_fifth_is_held_out_and_at_least_two(self):
        told, held = split_history(list(range(10)))
        self.assertEqual((told, held), (list(range(8)), [8, 9]))
        told, held = split_history(list(range(20)))
        self.assertEqual(held, [16, 17, 18, 19])
        self.assertEqual(split_history([1, 2, 3]), ([1], [2, 3]))


class Mapping(unittest.TestCase):
    def test_titles_are_normalised_with_articles_in_front(self):
        self.assertEqual(normalise_title("Usual Suspects, The"), "the usual suspects")
        self.assertEqual(normalise_title("Professional, The (a.k.a. Leon)"), "the professional")
        self.assertEqual(normalise_title("Léon"), "leon")
        self.assertEqual(normalise_title("Se7en"), "se7en")

    def test_movies_map_by_title_and_year_or_a_unique_one_year_miss(self):
        catalog = [
            {"id": 1, "title": "The Usual Suspects", "release_date": "1995-08-16"},
            {"id": 2, "title": "King Kong", "release_date": "1933-03-07"},
            {"id": 3, "title": "King Kong", "release_date": "2005-12-14"},
            {"id": 4, "title": "Heat", "release_date": "1995-12-15"},
        ]
        items = {
            "a": ("Usual Suspects, The", 1995),
            "b": ("King Kong", 1933),
            "c": ("Heat", 1996),  # a year off, unique
            "d": ("Unknown", 1990),
        }
        self.assertEqual(map_to_catalog(items, catalog), {"a": 1, "b": 2, "c": 4})

    def test_positives_are_liked_mapped_movies_oldest_first_once(self):
        ratings = [("u", "a", 5, 30), ("u", "b", 4, 10), ("u", "c", 3, 20), ("u", "a", 4, 40), ("v", "x", 5, 1)]
        self.assertEqual(positives_by_user(ratings, {"a": 1, "b": 2, "c": 3}), {"u": [2, 1]})


if __name__ == "__main__":
    unittest.main()
