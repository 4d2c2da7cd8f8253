import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listPromotions, listTaxRates, listZones } from './pricing.repository.js';
import {
  IdParams,
  Promotion,
  PromotionBody,
  ShippingZone,
  ShippingZoneBody,
  TaxRate,
  TaxRateBody,
} from './pricing.schemas.js';
import {
  type PricingDeps,
  removeShippingZone,
  removeTaxRate,
  savePromotion,
  saveShippingZone,
  saveTaxRate,
} from './pricing.service.js';

/** Rules are read by support and written by admin (routes without roles are admin only). */
export const pricingRoutes: FastifyPluginAsyncTypebox<{ deps: PricingDeps }> = async (app, { deps }) => {
  const tags = ['pricing'];
  const readers = { roles: ['support', 'finance'] as const };
  const refused =
    'An overlapping rule (a code in use at the same time, a region already in a zone, a second rate for a region and category) is refused with 409 naming it; a contradictory one with 422.';

  app.get(
    '/promotions',
    {
      config: readers,
      schema: { tags, summary: 'Promotions and coupons', response: { 200: Type.Array(Promotion) } },
    },
    async () => listPromotions(deps.db),
  );
  app.post(
    '/promotions',
    {
      schema: {
        tags,
        summary: 'Create a promotion (a coupon with a code, automatic without)',
        description: refused,
        body: PromotionBody,
        response: { 201: Promotion },
      },
    },
    async (request, reply) => reply.status(201).send(await savePromotion(deps, request.body)),
  );
  app.put(
    '/promotions/:id',
    {
      schema: {
        tags,
        summary: 'Replace a promotion (its use counts are kept)',
        description: refused,
        params: IdParams,
        body: PromotionBody,
        response: { 200: Promotion },
      },
    },
    async (request) => savePromotion(deps, request.body, request.params.id),
  );

  app.get(
    '/shipping-zones',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Shipping zones with their rates',
        response: { 200: Type.Array(ShippingZone) },
      },
    },
    async () => listZones(deps.db),
  );
  app.post(
    '/shipping-zones',
    {
      schema: {
        tags,
        summary: 'Create a shipping zone: regions, rates per carrier and service, cash-on-delivery terms',
        description: refused,
        body: ShippingZoneBody,
        response: { 201: ShippingZone },
      },
    },
    async (request, reply) => reply.status(201).send(await saveShippingZone(deps, request.body)),
  );
  app.put(
    '/shipping-zones/:id',
    {
      schema: {
        tags,
        summary: 'Replace a shipping zone',
        description: refused,
        params: IdParams,
        body: ShippingZoneBody,
        response: { 200: ShippingZone },
      },
    },
    async (request) => saveShippingZone(deps, request.body, request.params.id),
  );
  app.delete(
    '/shipping-zones/:id',
    { schema: { tags, summary: 'Delete a shipping zone', params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await removeShippingZone(deps, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/tax-rates',
    {
      config: readers,
      schema: { tags, summary: 'Tax rates per region and category', response: { 200: Type.Array(TaxRate) } },
    },
    async () => listTaxRates(deps.db),
  );
  app.post(
    '/tax-rates',
    {
      schema: {
        tags,
        summary: 'Add a tax rate for a country (or province) and a tax category',
        description: refused,
        body: TaxRateBody,
        response: { 201: TaxRate },
      },
    },
    async (request, reply) => reply.status(201).send(await saveTaxRate(deps, request.body)),
  );
  app.delete(
    '/tax-rates/:id',
    { schema: { tags, summary: 'Delete a tax rate', params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await removeTaxRate(deps, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
