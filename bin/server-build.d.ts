/** The compiled CLI when dist/ is newer than every source file, or undefined. */
export function builtCli(): string | undefined;
/** Compiles src/ into dist/; the compiled CLI's path. */
export function buildServer(): Promise<string>;
