/** A duration as `90`, `90s`, `30m`, `2h` or `1d`; bare numbers are seconds. */
export function parseDurationSeconds(raw: string): number | undefined {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/**
 * Typed readers of environment variables for the config loaders. A bad value adds one line to
 * `problems` (so a start reports every bad value, not just the first) and yields the fallback.
 */
export function envReader(env: NodeJS.ProcessEnv, problems: string[]) {
  return {
    int(name: string, fallback: number, min: number, max: number): number {
      const raw = env[name];
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) {
        problems.push(`${name}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
        return fallback;
      }
      return n;
    },

    /** Seconds, written as `90`, `90s`, `30m`, `2h` or `1d`. */
    duration(name: string, fallback: number, example = '1800, 30m, 2h or 1d'): number {
      const raw = env[name];
      if (raw === undefined || raw === '') return fallback;
      const s = parseDurationSeconds(raw);
      if (s === undefined || s <= 0) {
        problems.push(`${name}=${JSON.stringify(raw)}: expected a duration such as ${example}`);
        return fallback;
      }
      return s;
    },

    url(name: string, pattern: RegExp, expected: string): string | undefined {
      const raw = env[name] || undefined;
      if (raw && !pattern.test(raw)) problems.push(`${name}: expected ${expected}`);
      return raw;
    },

    /** A queue, exchange or stream name. */
    name(key: string, fallback: string): string {
      const raw = env[key] || fallback;
      if (!/^[\w.:-]{1,200}$/.test(raw))
        problems.push(`${key}: expected letters, digits, ".", "_", ":" or "-"`);
      return raw;
    },
  };
}
