import { Liquid, type Template } from 'liquidjs';
import { LRUCache } from 'lru-cache';

/**
 * Liquid (liquidjs), not Handlebars: templates are edited through the API by staff, and Liquid is
 * built for that — no JavaScript helpers to register or escape through, own properties only, and with
 * `strictVariables`/`strictFilters` an unknown variable or filter is an error carrying its line and
 * column, at parse time for filters and on the sample render we do at save time for variables.
 * `lenientIf` lets `{% if shipment %}` ask about a part a kind may lack.
 */
const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  lenientIf: true,
  ownPropertyOnly: true,
});

/** Why a template cannot be used, where. */
export class TemplateProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(message);
    this.name = 'TemplateProblem';
  }
}

const parsed = new LRUCache<string, Template[]>({ max: 500 });

function located(field: string, error: unknown): TemplateProblem {
  const e = error as Error & { token?: { getPosition?: () => [number, number] } };
  const [line, column] = e.token?.getPosition?.() ?? [undefined, undefined];
  // liquidjs appends ", line:2, col:7" to its message; the position is given apart.
  const message = String(e.message ?? error).replace(/, line:\d+, col:\d+$/, '');
  return new TemplateProblem(field, message, line, column);
}

function parse(field: string, source: string): Template[] {
  let templates = parsed.get(source);
  if (!templates) {
    try {
      templates = liquid.parse(source);
    } catch (error) {
      throw located(field, error);
    }
    parsed.set(source, templates);
  }
  return templates;
}

/** Renders one template text (parsed once, then cached); a problem names the field and line. */
export function renderTemplate(field: string, source: string, context: object): string {
  const templates = parse(field, source);
  try {
    return liquid.renderSync(templates, context) as string;
  } catch (error) {
    throw located(field, error);
  }
}
