/** Carriers a shipment can leave with; `kuaidi100` is the company code Kuaidi100 pushes use. */
export const CARRIERS = [
  { code: 'sf', name: 'SF Express', kuaidi100: 'shunfeng', trackingPattern: /^SF\d{12,15}$/i },
  { code: 'zto', name: 'ZTO Express', kuaidi100: 'zhongtong', trackingPattern: /^\d{12,15}$/ },
  { code: 'yto', name: 'YTO Express', kuaidi100: 'yuantong', trackingPattern: /^[A-Z]{0,2}\d{9,18}$/i },
  { code: 'jd', name: 'JD Logistics', kuaidi100: 'jd', trackingPattern: /^JD[A-Z0-9]{10,20}$/i },
  { code: 'ems', name: 'EMS', kuaidi100: 'ems', trackingPattern: /^[A-Z0-9]{9,20}$/i },
  { code: 'generic', name: 'Other carrier', kuaidi100: undefined, trackingPattern: /^[\w-]{4,40}$/ },
] as const;

export type CarrierCode = (typeof CARRIERS)[number]['code'];
export const CARRIER_CODES = CARRIERS.map((c) => c.code) as unknown as readonly [
  CarrierCode,
  ...CarrierCode[],
];

export const findCarrier = (code: string) => CARRIERS.find((c) => c.code === code);
export const carrierByKuaidi100 = (com: string) => CARRIERS.find((c) => c.kuaidi100 === com);
