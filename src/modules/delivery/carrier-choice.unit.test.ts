import { describe, expect, it } from 'vitest';
import { type CarrierCandidate, chooseCarrier, type LaneRecord } from './carrier-choice.js';

const option = (carrier: string, price: number): CarrierCandidate => ({
  carrier,
  service: 'standard',
  price,
  minDays: 2,
  maxDays: 4,
});
const record = (deliveries: number, onTime: number, days: number): LaneRecord => ({
  deliveries,
  onTime,
  leadHours: deliveries * days * 24,
});
const context = { place: 'Zhejiang, CN', buyerChose: 'yto' };

describe('chooseCarrier', () => {
  it('takes the reliable carrier over a cheaper one that is often late there, and says why', () => {
    const { chosen, reason } = chooseCarrier(
      [option('yto', 600), option('sf', 900)],
      new Map([
        ['sf', record(25, 24, 1.8)],
        ['yto', record(18, 11, 3.9)],
      ]),
      context,
    );
    expect(chosen.candidate.carrier).toBe('sf');
    expect(reason).toBe(
      'carrier SF chosen for Zhejiang, CN (standard): on-time 96% (24 of 25), 1.8 days on average' +
        ' vs YTO on-time 61% (11 of 18), 3.9 days on average — the best on-time record there',
    );
  });

  it('takes the cheaper of equally reliable carriers', () => {
    const { chosen, reason } = chooseCarrier(
      [option('sf', 900), option('yto', 600)],
      new Map([
        ['sf', record(40, 39, 1.5)],
        ['yto', record(40, 38, 2.5)],
      ]),
      context,
    );
    expect(chosen.candidate.carrier).toBe('yto');
    expect(reason).toContain('as reliable as SF and cheaper (6.00 vs 9.00)');
  });

  it('does not let a few lucky deliveries beat a long good record, nor an unknown carrier win on hope', () => {
    const lucky = chooseCarrier(
      [option('zto', 500), option('sf', 900)],
      new Map([
        ['zto', record(2, 2, 1)],
        ['sf', record(200, 196, 1.5)],
      ]),
      context,
    );
    expect(lucky.chosen.candidate.carrier).toBe('sf');
    const unknown = chooseCarrier(
      [option('ems', 500), option('sf', 900)],
      new Map([['sf', record(200, 196, 1.5)]]),
      context,
    );
    expect(unknown.chosen.candidate.carrier).toBe('sf');
    expect(unknown.reason).toContain('EMS no deliveries there yet');
  });

  it("with no records anywhere, the cheapest, then the buyer's choice", () => {
    expect(
      chooseCarrier([option('sf', 900), option('yto', 600)], new Map(), context).chosen.candidate.carrier,
    ).toBe('yto');
    expect(
      chooseCarrier([option('sf', 600), option('yto', 600)], new Map(), context).chosen.candidate.carrier,
    ).toBe('yto');
    expect(chooseCarrier([option('sf', 600)], new Map(), context).reason).toBe(
      'carrier SF (standard) for Zhejiang, CN: the only one offering it there; no deliveries there yet',
    );
  });
});
