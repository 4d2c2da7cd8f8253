export type AttributeDefinition = { name: string };
