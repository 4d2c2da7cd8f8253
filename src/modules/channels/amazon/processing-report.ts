import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { xmlTag as tag, xmlAll } from './xml-text.js';

/**
 * What Amazon's processing report of a feed says, in one shape for both report formats: how many
 * messages it processed, and per MessageID the errors (that message was not applied) and warnings
 * (applied). `feedErrors` are errors naming no message (MessageID 0, or none): the feed as a whole.
 */
export interface FeedReport {
  processed: number;
  errors: Map<number, string>;
  warnings: Map<number, string>;
  feedErrors: string[];
}

const addTo = (map: Map<number, string>, id: number, text: string) =>
  map.set(id, map.has(id) ? `${map.get(id)}; ${text}` : text);

/**
 * An XML feed's report: an AmazonEnvelope of MessageType ProcessingReport whose ProcessingSummary
 * counts MessagesProcessed/Successful/WithError/WithWarning, and a Result per message with a problem
 * (ResultCode Error or Warning, ResultMessageCode, ResultDescription). Throws when it is not one.
 */
export function readXmlProcessingReport(xml: string): FeedReport {
  const report = tag(xml, 'ProcessingReport');
  if (tag(xml, 'MessageType') !== 'ProcessingReport' || !report)
    throw new Error('the feed document is not an XML ProcessingReport');
  const summary = tag(report, 'ProcessingSummary');
  const out: FeedReport = {
    processed: Number(tag(summary ?? '', 'MessagesProcessed') ?? 0),
    errors: new Map(),
    warnings: new Map(),
    feedErrors: [],
  };
  for (const result of xmlAll(report, 'Result')) {
    const id = Number(tag(result, 'MessageID') ?? 0);
    const code = tag(result, 'ResultMessageCode');
    const text = `${code ? `${code}: ` : ''}${tag(result, 'ResultDescription') ?? 'no description'}`;
    const kind = tag(result, 'ResultCode');
    if (kind === 'Error') {
      if (Number.isInteger(id) && id > 0) addTo(out.errors, id, text);
      else out.feedErrors.push(text);
    } else if (kind === 'Warning' && Number.isInteger(id) && id > 0) addTo(out.warnings, id, text);
  }
  return out;
}

const ListingsReport = Type.Object({
  header: Type.Optional(Type.Object({})),
  issues: Type.Array(
    Type.Object({
      messageId: Type.Optional(Type.Integer()),
      code: Type.Optional(Type.String()),
      severity: Type.String(),
      message: Type.String(),
      attributeName: Type.Optional(Type.String()),
    }),
  ),
  summary: Type.Object({
    errors: Type.Integer(),
    warnings: Type.Integer(),
    messagesProcessed: Type.Integer(),
    messagesAccepted: Type.Integer(),
    messagesInvalid: Type.Integer(),
  }),
});

/**
 * A JSON_LISTINGS_FEED report (version 2.0): `summary` counts, and `issues[]` each with the
 * `messageId` it concerns (absent: the feed itself), `severity` ERROR / WARNING / INFO, `code` and
 * `message`. A message with an ERROR issue was not applied. Throws when it is not one.
 */
export function readListingsProcessingReport(json: string): FeedReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  if (!Value.Check(ListingsReport, parsed))
    throw new Error('the feed document is not a JSON_LISTINGS_FEED processing report');
  const out: FeedReport = {
    processed: parsed.summary.messagesProcessed,
    errors: new Map(),
    warnings: new Map(),
    feedErrors: [],
  };
  for (const issue of parsed.issues) {
    const text = `${issue.code ? `${issue.code}: ` : ''}${issue.message}`;
    if (issue.severity === 'ERROR') {
      if (issue.messageId !== undefined && issue.messageId > 0) addTo(out.errors, issue.messageId, text);
      else out.feedErrors.push(text);
    } else if (issue.severity === 'WARNING' && issue.messageId !== undefined)
      addTo(out.warnings, issue.messageId, text);
  }
  return out;
}
