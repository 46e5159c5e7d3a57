-- Search now folds width, kana, dashes and variant kanji (domain::text::fold) in the index
-- as in the query: every catalog is indexed again at the next start (its hash no longer
-- matches).
UPDATE catalogs SET content_hash = '';
