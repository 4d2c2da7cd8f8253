/** A carrier that can take the parcel at the service level the buyer chose, within its promise. */
export interface CarrierCandidate {
  carrier: string;
  service: string;
  /** What the zone's rate charges for this parcel (before any free-shipping threshold): the cost. */
  price: number;
  minDays: number;
  maxDays: number;
}

/** A carrier's record to one destination (carrier_lanes). */
export interface LaneRecord {
  deliveries: number;
  onTime: number;
  leadHours: number;
}

export interface RankedCarrier {
  candidate: CarrierCandidate;
  record: LaneRecord | undefined;
  /** On-time rate with a prior of PRIOR_DELIVERIES deliveries at PRIOR_RATE: a few lucky parcels do not win. */
  expected: number;
}

/** A carrier with no record is taken as on time this often, weighted as this many deliveries. */
export const PRIOR_RATE = 0.8;
export const PRIOR_DELIVERIES = 5;
/** Carriers whose expected on-time rates are this close count as equally reliable; cost decides. */
export const SAME_RELIABILITY = 0.05;

const expectedRate = (r: LaneRecord | undefined) =>
  ((r?.onTime ?? 0) + PRIOR_RATE * PRIOR_DELIVERIES) / ((r?.deliveries ?? 0) + PRIOR_DELIVERIES);
const meanDays = (r: LaneRecord) => r.leadHours / r.deliveries / 24;
const name = (carrier: string) => carrier.toUpperCase();
const money = (minor: number) => (minor / 100).toFixed(2);

export function describeRecord(r: LaneRecord | undefined): string {
  if (!r || r.deliveries === 0) return 'no deliveries there yet';
  return `on-time ${Math.round((100 * r.onTime) / r.deliveries)}% (${r.onTime} of ${r.deliveries}), ${meanDays(r).toFixed(1)} days on average`;
}

/**
 * Picks the carrier for one parcel; pure, so the rule is tested without a database. The most reliable
 * carrier to the destination wins (its expected on-time rate, from its record there); among carriers
 * within SAME_RELIABILITY of the best, the cheapest, then the faster on average, then the one the buyer
 * chose at checkout. Returns the ranking and a sentence for the order's timeline.
 */
export function chooseCarrier(
  candidates: readonly CarrierCandidate[],
  records: ReadonlyMap<string, LaneRecord>,
  context: { place: string; buyerChose: string },
): { chosen: RankedCarrier; ranked: RankedCarrier[]; reason: string } {
  if (candidates.length === 0) throw new Error('chooseCarrier needs at least one candidate');
  const rated = candidates.map((candidate) => {
    const record = records.get(candidate.carrier);
    return { candidate, record, expected: expectedRate(record) };
  });
  const best = Math.max(...rated.map((r) => r.expected));
  const lead = (r: RankedCarrier) => (r.record && r.record.deliveries > 0 ? meanDays(r.record) : Infinity);
  const reliable = (r: RankedCarrier) => r.expected >= best - SAME_RELIABILITY;
  const ranked = [...rated].sort(
    (a, b) =>
      Number(reliable(b)) - Number(reliable(a)) ||
      (reliable(a) ? a.candidate.price - b.candidate.price : b.expected - a.expected) ||
      lead(a) - lead(b) ||
      Number(b.candidate.carrier === context.buyerChose) -
        Number(a.candidate.carrier === context.buyerChose) ||
      a.candidate.carrier.localeCompare(b.candidate.carrier),
  );
  const chosen = ranked[0]!;
  const c = chosen.candidate;
  if (ranked.length === 1)
    return {
      chosen,
      ranked,
      reason: `carrier ${name(c.carrier)} (${c.service}) for ${context.place}: the only one offering it there; ${describeRecord(chosen.record)}`,
    };
  const others = ranked.slice(1);
  const why = others.some((o) => reliable(o))
    ? `as reliable as ${others
        .filter(reliable)
        .map((o) => name(o.candidate.carrier))
        .join(', ')} and ${
        others.filter(reliable).every((o) => o.candidate.price > c.price)
          ? `cheaper (${money(c.price)} vs ${others
              .filter(reliable)
              .map((o) => money(o.candidate.price))
              .join(', ')})`
          : 'no dearer'
      }`
    : 'the best on-time record there';
  return {
    chosen,
    ranked,
    reason:
      `carrier ${name(c.carrier)} chosen for ${context.place} (${c.service}): ${describeRecord(chosen.record)}` +
      ` vs ${others.map((o) => `${name(o.candidate.carrier)} ${describeRecord(o.record)}`).join('; ')} — ${why}`,
  };
}
