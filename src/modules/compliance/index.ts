import type { Module } from '../../platform/module.js';
import type { OrderHooks } from '../orders/index.js';
import { buyerIdentitySection } from './buyer-identity-section.js';
import { type ComplianceDeps, complianceRoutes } from './compliance.routes.js';
import { marketRuleRoutes } from './market-rules.routes.js';
import {
  checkMarketRules,
  releaseMarketRuleCharges,
  useMarketRules,
  writeRefusals,
} from './market-rules-check.js';
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
  orderHooks: {
    onPlacing: [checkMarketRules],
    onCancelled: [releaseMarketRuleCharges],
    detailSections: [buyerIdentitySection],
  },
  jobs: (deps) => {
    useMarketRules(deps.db, deps.config.pseudonymKey);
    return [{ name: 'record market-rule refusals', run: () => writeRefusals(deps.db) }];
  },
} satisfies Module<ComplianceDeps, Partial<OrderHooks>>;
export { CHINA_CROSS_BORDER_RULE } from './china-cross-border.js';
