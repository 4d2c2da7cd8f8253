import type { CreatedAt, Generated, Json } from '../../platform/db/columns.js';
import type { RuleConditions } from './market-rules.schemas.js';

export interface ComplianceRulesTable {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  country: string;
  province: string | null;
  channels: string[] | null;
  conditions: Json<RuleConditions>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ComplianceRuleSetTable {
  id: number;
  version: string;
}

export interface ComplianceYearlyTotalsTable {
  rule_id: string;
  person_key: string;
  year: number;
  used: number;
}

export interface ComplianceOrderChargesTable {
  order_id: string;
  rule_id: string;
  person_key: string;
  year: number;
  amount: number;
}

export interface ComplianceOutcomesTable {
  id: string;
  rule_id: string;
  order_id: string | null;
  outcome: 'accepted' | 'refused';
  reason: string | null;
  at: Generated<Date>;
}

export interface ComplianceBuyerIdentitiesTable {
  order_id: string;
  name: string;
  id_number: string;
}

export interface ComplianceTables {
  compliance_rules: ComplianceRulesTable;
  compliance_rule_set: ComplianceRuleSetTable;
  compliance_yearly_totals: ComplianceYearlyTotalsTable;
  compliance_order_charges: ComplianceOrderChargesTable;
  compliance_outcomes: ComplianceOutcomesTable;
  compliance_buyer_identities: ComplianceBuyerIdentitiesTable;
}
