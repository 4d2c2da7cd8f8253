import type { RuleInput } from './market-rules.schemas.js';

/**
 * The default rule for cross-border retail imports into China (跨境电商零售进口), offered as data to
 * POST /v1/compliance/rules rather than installed: the limits are 5,000 CNY per transaction and
 * 26,000 CNY per person per calendar year (MOF/GAC/STA announcement 2018 No. 49), and the buyer's
 * resident ID and name must be declared, matching the buyer (the order's customer). Which orders are
 * cross-border is the shop's to say: here, those of the `cross-border` channel shipped to CN.
 */
export const CHINA_CROSS_BORDER_RULE = {
  name: 'China cross-border retail imports',
  description: '5,000 CNY per order, 26,000 CNY per person per year, buyer ID matching the buyer',
  scope: { country: 'CN', channels: ['cross-border'] },
  conditions: {
    requiredFields: ['buyerIdentity', 'customer.name'],
    currency: 'CNY',
    orderValueLimit: 500_000,
    yearlyValueLimit: 2_600_000,
  },
} as const satisfies RuleInput;
