export function serverProcess(env: Record<string, string | undefined>): {
  nodeArgs: string[];
  env: Record<string, string>;
};
