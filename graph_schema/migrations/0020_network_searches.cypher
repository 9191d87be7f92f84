// The network each enterprise's credit search found as of a day, stored by the re-rating
// (hub.credit.recompute) so a batch that changes no tie and no listing rates with it instead
// of searching again: one (:NetworkSearch {uscc, asOf, search, links}) per enterprise, found
// by its USCC.
CREATE CONSTRAINT network_search_uscc IF NOT EXISTS FOR (n:NetworkSearch) REQUIRE n.uscc IS UNIQUE;
