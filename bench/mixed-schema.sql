-- A realistic mixed schema for bench/run.sh, parameterised by a scale (psql -v scale=N):
-- roughly N MB on disk. Text-heavy rows (documents, comments), jsonb (events), bytea (attachments:
-- half incompressible like images or PDFs, half compressible), many small tables (150 lookup/config
-- tables) and a few big ones, with primary keys, a foreign key and secondary indexes.
--   psql -v ON_ERROR_STOP=1 -v scale=100 -d DB -f bench/mixed-schema.sql
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
CREATE SCHEMA IF NOT EXISTS app;

-- A vocabulary of words, and 4,000 "paragraphs" built from it, so text compresses like prose
-- rather than like random hex or one repeated string.
CREATE TEMP TABLE words AS
SELECT i AS n, w FROM unnest(string_to_array(
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their been has when who will no more if out so up said what its about than into them can only other time new some could these two may first then do any like my now over such our man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three',
  ' ')) WITH ORDINALITY AS t(w, i);
CREATE TEMP TABLE paragraphs AS
SELECT p, (SELECT string_agg(w, ' ') FROM (SELECT w FROM words ORDER BY random() LIMIT 60 + (p % 40)) s) AS txt
FROM generate_series(0, 3999) p;

-- Many small tables: lookups and settings, 40 to 200 rows each.
DO $$
DECLARE i int;
BEGIN
  FOR i IN 1..150 LOOP
    EXECUTE format('CREATE TABLE app.lookup_%s (id int PRIMARY KEY, code text NOT NULL UNIQUE, label text, settings jsonb, updated_at timestamptz DEFAULT now())', i);
    EXECUTE format($f$INSERT INTO app.lookup_%s (id, code, label, settings)
      SELECT g, 'code_' || g, initcap(p.txt), jsonb_build_object('enabled', g %% 2 = 0, 'weight', g * 1.5, 'tags', jsonb_build_array('a' || g, 'b' || (g %% 7)))
      FROM generate_series(1, 40 + (%s * 7) %% 160) g JOIN paragraphs p ON p.p = (g * 31 + %s) %% 4000$f$, i, i, i);
  END LOOP;
END $$;

-- Big tables. Row counts per scale unit are sized so each contributes about a quarter of N MB.
CREATE TABLE app.customers (
  id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL, country char(2), created_at timestamptz NOT NULL, profile jsonb
);
INSERT INTO app.customers
SELECT g, 'Customer ' || g, 'user' || g || '@example.com', (ARRAY['FR','DE','US','GB','ES','IT','NL','SE'])[1 + g % 8],
       timestamptz '2020-01-01' + g * interval '37 seconds',
       jsonb_build_object('plan', (ARRAY['free','pro','team'])[1 + g % 3], 'seats', g % 50, 'newsletter', g % 3 = 0)
FROM generate_series(1, 500 * :scale) g;

CREATE TABLE app.documents (
  id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES app.customers, title text NOT NULL, body text NOT NULL,
  created_at timestamptz NOT NULL, revision int NOT NULL DEFAULT 1
);
INSERT INTO app.documents
SELECT g, 1 + g % (500 * :scale), initcap(left(p1.txt, 60)),
       p1.txt || E'\n\n' || p2.txt || E'\n\n' || p3.txt || ' ref ' || md5(g::text),
       timestamptz '2021-01-01' + g * interval '11 seconds', 1 + g % 9
FROM generate_series(1, 170 * :scale) g
JOIN paragraphs p1 ON p1.p = (g * 7) % 4000
JOIN paragraphs p2 ON p2.p = (g * 13 + 1) % 4000
JOIN paragraphs p3 ON p3.p = (g * 101 + 2) % 4000;
CREATE INDEX ON app.documents (customer_id);

CREATE TABLE app.events (
  id bigint PRIMARY KEY, at timestamptz NOT NULL, kind text NOT NULL, payload jsonb NOT NULL
);
INSERT INTO app.events
SELECT g, timestamptz '2024-01-01' + g * interval '1 second', (ARRAY['login','view','purchase','error','logout'])[1 + g % 5],
       jsonb_build_object('user', g % 100000, 'session', md5(g::text), 'ip', '10.' || g % 256 || '.' || (g / 256) % 256 || '.' || g % 7,
         'ua', 'Mozilla/5.0 (X11; Linux x86_64) bench/' || g % 40, 'amount', (g % 10000) / 100.0,
         'items', jsonb_build_array(jsonb_build_object('sku', 'SKU-' || g % 997, 'qty', 1 + g % 4), jsonb_build_object('sku', 'SKU-' || g % 331, 'qty', 1)))
FROM generate_series(1, 900 * :scale) g;
CREATE INDEX ON app.events (at);

CREATE TABLE app.attachments (
  id bigint PRIMARY KEY, document_id bigint NOT NULL, filename text NOT NULL, mime text NOT NULL, data bytea NOT NULL
);
-- About 4 KiB each: 2 KiB of hash output (incompressible, like JPEG or PDF bodies) and 2 KiB that compresses well.
INSERT INTO app.attachments
SELECT g, 1 + g % (170 * :scale), 'file_' || g || '.bin', (ARRAY['image/jpeg','application/pdf','text/csv'])[1 + g % 3],
       (SELECT string_agg(sha512((g::text || ':' || k)::bytea), ''::bytea) FROM generate_series(1, 32) k)
       || decode(repeat(md5(g::text), 64), 'hex')
FROM generate_series(1, 55 * :scale) g;
ANALYZE;
