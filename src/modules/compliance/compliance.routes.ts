import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { Uuid } from '../../platform/schemas.js';
import type { MarketRules } from './market-rules-check.js';
import { openOrderPersonalData } from './pii-views.js';

export interface ComplianceDeps {
  db: Db;
  /** The rules checked at placement, with the refusals they count (AppServices.marketRules). */
  marketRules: MarketRules;
}

const PersonalData = Type.Object({
  orderId: Type.String(),
  customer: Type.Object({
    email: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  addresses: Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }), {
    description:
      'By key, as in the order: name, phone, country, province, city, district, line1, line2, postalCode',
  }),
});

export const complianceRoutes: FastifyPluginAsyncTypebox<{ deps: ComplianceDeps }> = async (
  app,
  { deps },
) => {
  app.post(
    '/orders/:id/pii-views',
    {
      config: { roles: ['support'] },
      schema: {
        tags: ['compliance'],
        summary: "Open an order's contact and addresses in full, with a reason (recorded in the audit trail)",
        description:
          'Support sees an order with its phone (138****0000), e-mail, names and streets masked; this answers them in full and records who asked and why.',
        params: Type.Object({ id: Uuid() }, { additionalProperties: false }),
        body: Type.Object(
          { reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why the data is needed' }) },
          { additionalProperties: false },
        ),
        response: { 200: PersonalData },
      },
    },
    async (request) => openOrderPersonalData(deps.db, request.params.id, request.body.reason),
  );
};
