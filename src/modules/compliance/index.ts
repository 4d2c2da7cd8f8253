import type { Module } from '../../platform/module.js';
import type { OrderHooks } from '../orders/index.js';
import { buyerIdentitySection } from './buyer-identity-section.js';
import { type ComplianceDeps, complianceRoutes } from './compliance.routes.js';
import { marketRuleRoutes } from './market-rules.routes.js';
import { releaseMarketRuleCharges } from './market-rules-check.js';
import * as m1206_0100 from './migrations/20261206_0100_market_rules.js';

/**
 * Compliance (#17): masked personal data opened with a reason, and market rules checked at every
 * order placement (OrderHooks.onPlacing). The audit trail and private logging are in the platform
 * (src/platform/audit, src/platform/privacy), since every module records and logs.
 */
export const complianceModule = {
  name: 'compliance',
  migrations: { '20261206_0100_market_rules': m1206_0100 },
  routes: [complianceRoutes, marketRuleRoutes],
  orderHooks: (deps) => ({
    onPlacing: [deps.marketRules.check],
    onCancelled: [releaseMarketRuleCharges],
    detailSections: [buyerIdentitySection],
  }),
  jobs: (deps) => [{ name: 'record market-rule refusals', run: () => deps.marketRules.writeRefusals() }],
} satisfies Module<ComplianceDeps, Partial<OrderHooks>>;
export { CHINA_CROSS_BORDER_RULE } from './china-cross-border.js';
export { MarketRules } from './market-rules-check.js';
