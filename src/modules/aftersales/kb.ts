import { sql } from 'kysely';
import type { Conn, Db } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { CreateKbArticleBody, KbArticle, KbQuery } from './aftersales.schemas.js';
import type { ReasonCode } from './return-state.js';

type ArticleRow = {
  id: string;
  title: string;
  body: string;
  tags: string[];
  reason_codes: string[];
  updated_at: Date;
};

const toArticle = (r: ArticleRow): KbArticle => ({
  id: r.id,
  title: r.title,
  body: r.body,
  tags: r.tags,
  reasonCodes: r.reason_codes as ReasonCode[],
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Free text as a prefix tsquery: "refund brok" → "refund:* & brok:*". Only runs of letters and
 * digits are kept, so no tsquery syntax from the user reaches to_tsquery.
 */
export function toPrefixTsQuery(text: string): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length
    ? words
        .slice(0, 10)
        .map((w) => `${w}:*`)
        .join(' & ')
    : undefined;
}

const columns = ['id', 'title', 'body', 'tags', 'reason_codes', 'updated_at'] as const;

/**
 *   select … from kb_articles where search @@ to_tsquery('simple', $q) [and $reason = any(reason_codes)]
 *   order by ts_rank(search, to_tsquery('simple', $q)) desc, updated_at desc limit $n
 */
export async function searchArticles(db: Conn, query: KbQuery): Promise<KbArticle[]> {
  const tsquery = query.q ? toPrefixTsQuery(query.q) : undefined;
  if (query.q && !tsquery) return [];
  let q = db
    .selectFrom('kb_articles')
    .select(columns)
    .limit(query.limit ?? 10);
  if (tsquery) {
    q = q
      .where(sql<boolean>`search @@ to_tsquery('simple', ${tsquery})`)
      .orderBy(sql`ts_rank(search, to_tsquery('simple', ${tsquery}))`, 'desc');
  }
  if (query.reason) q = q.where(sql<boolean>`${query.reason} = any(reason_codes)`);
  return (await q.orderBy('updated_at', 'desc').orderBy('id').execute()).map(toArticle);
}

export async function createArticle(db: Db, input: CreateKbArticleBody): Promise<KbArticle> {
  const tags = input.tags ?? [];
  const row = await db
    .insertInto('kb_articles')
    .values({
      id: newId(),
      title: input.title,
      body: input.body,
      tags,
      reason_codes: input.reasonCodes ?? [],
      tags_text: tags.join(' '),
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toArticle(row);
}

/** Articles for a return's reason, for GET /v1/returns/{id}. */
export const suggestArticles = (db: Conn, reason: ReasonCode) => searchArticles(db, { reason, limit: 5 });

const DEMO_ARTICLES: CreateKbArticleBody[] = [
  {
    title: 'Returning an item you no longer need',
    body: 'Unused items in their original packaging can be returned within 7 days of delivery for any reason. Start a return from the order, pack the item, and we refund once the warehouse receives it. Return shipping is paid by the buyer.',
    tags: ['return', 'refund', '7-day'],
    reasonCodes: ['no_longer_needed'],
  },
  {
    title: 'What to do when an item arrives broken or defective',
    body: 'Take photos of the item and the packaging and attach them to a return request with reason defective or damaged in transit. Quality problems can be returned or exchanged within 15 days of delivery; we refund the shipping too.',
    tags: ['defective', 'broken', 'damaged', 'photos'],
    reasonCodes: ['defective', 'damaged_in_transit'],
  },
  {
    title: 'Received the wrong item or missing parts',
    body: 'If the parcel holds a different item than ordered, or parts are missing, request an exchange or a refund with photos of what arrived. We send the right item or the missing parts as a replacement shipment.',
    tags: ['wrong item', 'missing parts', 'exchange'],
    reasonCodes: ['wrong_item', 'missing_parts', 'not_as_described'],
  },
  {
    title: 'Cancelling part of an order before it ships',
    body: 'Lines that have not left the warehouse can be refunded without a return: choose refund only. The stock is released and the refund goes back to the original payment method.',
    tags: ['refund only', 'cancel', 'before shipment'],
    reasonCodes: ['no_longer_needed'],
  },
];

export async function seedDemoArticles(db: Db): Promise<number> {
  const existing = await db.selectFrom('kb_articles').select('id').limit(1).execute();
  if (existing.length) return 0;
  for (const a of DEMO_ARTICLES) await createArticle(db, a);
  return DEMO_ARTICLES.length;
}
