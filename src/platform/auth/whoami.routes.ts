import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StringEnum } from '../schemas.js';
import type { RoleOperations } from './role-operations.js';
import { ROLES } from './roles.js';

const Whoami = Type.Object({
  keyId: Type.String(),
  name: Type.String(),
  role: StringEnum(ROLES),
  operations: Type.Array(Type.String(), {
    description: 'What this key may call, as "METHOD /v1/path/{param}" (the admin console shows only these)',
  }),
});

export const whoamiRoutes: FastifyPluginAsyncTypebox<{ operations: RoleOperations }> = async (
  app,
  { operations },
) => {
  app.get(
    '/whoami',
    {
      config: { roles: ROLES.filter((r) => r !== 'admin') },
      schema: {
        tags: ['platform'],
        summary: 'The calling API key: its name, role and what it may call',
        response: { 200: Whoami },
      },
    },
    async (request) => {
      const { keyId, name, role } = request.principal!;
      return { keyId, name, role, operations: operations.for(role) };
    },
  );
};
