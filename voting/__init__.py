"""Votes, ballots and the counting of them."""
