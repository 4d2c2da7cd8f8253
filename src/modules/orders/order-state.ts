export type OrderStatus = string;
export type PaymentStatus = string;
export type FulfillmentStatus = string;
