import type { TestApp } from '../helpers/test-app.js';

/** A valid PRC resident ID (GB 11643-1999 check character) from its first 17 digits. */
export function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}

export async function createRule(t: TestApp, body: unknown) {
  return t.request({ method: 'POST', url: '/v1/compliance/rules', payload: body as object });
}

/** The yearly total a rule counted for everyone, straight from the ledger. */
export async function ledgerTotal(t: TestApp, ruleId: string): Promise<number> {
  const rows = await t.db
    .selectFrom('compliance_yearly_totals')
    .select('used')
    .where('rule_id', '=', ruleId)
    .execute();
  return rows.reduce((s, r) => s + Number(r.used), 0);
}
