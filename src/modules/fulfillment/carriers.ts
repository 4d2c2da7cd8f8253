/**
 * Carriers a shipment can leave with; `kuaidi100` is the company code Kuaidi100 pushes use. Each
 * tracking-number format is told to clients (GET /v1/carriers, the 422 of a number that does not fit)
 * in words and with an example, beside the pattern that checks it.
 */
export const CARRIERS = [
  {
    code: 'sf',
    name: 'SF Express',
    kuaidi100: 'shunfeng',
    trackingPattern: /^SF\d{12,15}$/i,
    trackingFormat: 'SF followed by 12 to 15 digits',
    trackingExample: 'SF1234567890123',
  },
  {
    code: 'zto',
    name: 'ZTO Express',
    kuaidi100: 'zhongtong',
    trackingPattern: /^\d{12,15}$/,
    trackingFormat: '12 to 15 digits',
    trackingExample: '773012345678',
  },
  {
    code: 'yto',
    name: 'YTO Express',
    kuaidi100: 'yuantong',
    trackingPattern: /^[A-Z]{0,2}\d{9,18}$/i,
    trackingFormat: 'up to 2 letters, then 9 to 18 digits',
    trackingExample: 'YT9000000001',
  },
  {
    code: 'jd',
    name: 'JD Logistics',
    kuaidi100: 'jd',
    trackingPattern: /^JD[A-Z0-9]{10,20}$/i,
    trackingFormat: 'JD followed by 10 to 20 letters or digits',
    trackingExample: 'JDV000123456789',
  },
  {
    code: 'ems',
    name: 'EMS',
    kuaidi100: 'ems',
    trackingPattern: /^[A-Z0-9]{9,20}$/i,
    trackingFormat: '9 to 20 letters or digits',
    trackingExample: 'EA123456789CN',
  },
  {
    code: 'generic',
    name: 'Other carrier',
    kuaidi100: undefined,
    trackingPattern: /^[\w-]{4,40}$/,
    trackingFormat: '4 to 40 letters, digits, underscores or hyphens',
    trackingExample: 'PKG-2026-0001',
  },
] as const;

export type CarrierCode = (typeof CARRIERS)[number]['code'];
export const CARRIER_CODES = CARRIERS.map((c) => c.code) as unknown as readonly [
  CarrierCode,
  ...CarrierCode[],
];

export const findCarrier = (code: string) => CARRIERS.find((c) => c.code === code);
export const carrierByKuaidi100 = (com: string) => CARRIERS.find((c) => c.kuaidi100 === com);

/** A carrier as GET /v1/carriers lists it. */
export const carrierView = (c: (typeof CARRIERS)[number]) => ({
  code: c.code,
  name: c.name,
  kuaidi100: c.kuaidi100 ?? null,
  trackingNumber: {
    format: c.trackingFormat,
    pattern: c.trackingPattern.source,
    ignoreCase: c.trackingPattern.flags.includes('i'),
    example: c.trackingExample,
  },
});

/** Why a tracking number does not fit, in words the operator can act on. */
export const trackingFormatHint = (c: (typeof CARRIERS)[number]) =>
  `${c.name} tracking numbers are ${c.trackingFormat} (e.g. ${c.trackingExample})`;
