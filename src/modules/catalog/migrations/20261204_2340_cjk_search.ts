import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Chinese, Japanese and Korean are written without spaces, so the 'simple' parser takes 青瓷茶具套装 as
// one word and only its prefixes matched. The search vector now also holds each CJK run's character
// bigrams (in order, so that a longer query can ask for them adjacent) and single characters:
// 青瓷 瓷茶 茶具 具套 套装 青 瓷 茶 具 套 装. No extension needed, so PGlite and PostgreSQL agree, and
// the GIN index answers a bigram like any other word. The character class is product-search.ts's CJK.
// (Each statement ends where a line ends in a semicolon: runSql splits there.)
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create function ordersync_cjk_grams(t text) returns text language sql immutable parallel safe as $$
      select coalesce(string_agg(g.gram, ' ' order by g.kind, g.run, g.pos), '')
      from regexp_matches(coalesce(t, ''), '[\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uac00-\\ud7af]+', 'g')
        with ordinality as r(m, run)
      cross join lateral (
        select 1 as kind, r.run, i as pos, substr(r.m[1], i, 2) as gram
        from generate_series(1, char_length(r.m[1]) - 1) as i
        union all
        select 2, r.run, i, substr(r.m[1], i, 1)
        from generate_series(1, char_length(r.m[1])) as i
      ) as g
    $$;

    alter table products drop column search;
    alter table products add column search tsvector generated always as (
      setweight(to_tsvector('simple', title), 'A') ||
      setweight(to_tsvector('simple', ordersync_cjk_grams(title)), 'A') ||
      setweight(to_tsvector('simple', description), 'B') ||
      setweight(to_tsvector('simple', ordersync_cjk_grams(description)), 'B')
    ) stored;
    create index products_search_idx on products using gin (search);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    alter table products drop column search;
    alter table products add column search tsvector generated always as (
      setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
    ) stored;
    create index products_search_idx on products using gin (search);
    drop function ordersync_cjk_grams(text);
    `,
  );
}
