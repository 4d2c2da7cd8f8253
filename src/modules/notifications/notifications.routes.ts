import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { getNotification, notificationLog, resendNotification } from './notification-log.js';
import { listTemplates, saveTemplate, templateVersions } from './notification-templates.js';
import {
  IdParams,
  NotificationQuery,
  NotificationView,
  PreviewBody,
  PreviewView,
  TemplateBody,
  TemplateKey,
  TemplateQuery,
  TemplateView,
} from './notifications.schemas.js';
import { previewTemplate } from './template-preview.js';

export interface NotificationDeps {
  db: Db;
  config: Pick<Config, 'notifications'>;
}

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';
const tags = ['notifications'];

const templateView = (t: Awaited<ReturnType<typeof listTemplates>>[number]) => ({
  ...t,
  createdAt: t.createdAt?.toISOString() ?? null,
});

const content = (b: TemplateBody) => ({
  subject: b.subject ?? null,
  body: b.body,
  smsTemplateCode: b.smsTemplateCode ?? null,
  smsParams: b.smsParams ?? null,
});

export const notificationRoutes: FastifyPluginAsyncTypebox<{ deps: NotificationDeps }> = async (
  app,
  { deps },
) => {
  app.get(
    '/notification-templates',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Templates in use per kind × locale × channel (version 0: the shipped default)',
        querystring: TemplateQuery,
        response: { 200: Type.Array(TemplateView) },
      },
    },
    async (request) => (await listTemplates(deps.db, request.query)).map(templateView),
  );

  app.get(
    '/notification-templates/:kind/:locale/:channel/versions',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Every version of one template, newest first',
        params: TemplateKey,
        response: { 200: Type.Array(TemplateView) },
      },
    },
    async (request) => {
      const { kind, locale, channel } = request.params;
      return (await templateVersions(deps.db, kind, locale, channel)).map(templateView);
    },
  );

  app.put(
    '/notification-templates/:kind/:locale/:channel',
    {
      config: { roles: [] },
      schema: {
        tags,
        summary: 'Save a new version of a template (Liquid)',
        description:
          'Refused with 422 when it does not parse or render against a sample order: the problem names the field, line and column (an unknown variable or filter, a tag not closed, an SMS parameter past 35 characters).',
        params: TemplateKey,
        body: TemplateBody,
        response: { 201: TemplateView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          templateView(await saveTemplate(deps.db, request.params, content(request.body), actorOf(request))),
        ),
  );

  app.post(
    '/notification-templates/preview',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Render a template (stored, or given) against a real order',
        body: PreviewBody,
        response: { 200: PreviewView },
      },
    },
    async (request) => {
      const { template, ...rest } = request.body;
      return previewTemplate(deps.db, deps.config.notifications, {
        ...rest,
        template: template && content(template),
      });
    },
  );

  app.get(
    '/notifications',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Delivery log of an order or a customer, newest first',
        querystring: NotificationQuery,
        response: { 200: Type.Array(NotificationView) },
      },
    },
    async (request) => notificationLog(deps.db, request.query),
  );

  app.get(
    '/notifications/:id',
    {
      config: { roles: ['support'] },
      schema: { tags, summary: 'One notification', params: IdParams, response: { 200: NotificationView } },
    },
    async (request) => getNotification(deps.db, request.params.id),
  );

  app.post(
    '/notifications/:id/resend',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Send a sent or failed notification again (a new one, resendOf the original)',
        params: IdParams,
        response: { 201: NotificationView },
      },
    },
    async (request, reply) => reply.status(201).send(await resendNotification(deps.db, request.params.id)),
  );
};
