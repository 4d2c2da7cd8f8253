import { type Static, Type } from 'typebox';

/**
 * The part of Amazon's Orders API v0 (`ordersV0.json`) OrderSync reads. Only what we use is required;
 * Amazon adds fields often, so objects stay open (no additionalProperties: false on what we receive).
 */
export const SpMoney = Type.Object({ CurrencyCode: Type.String(), Amount: Type.String() });

const SpAddress = Type.Object({
  Name: Type.Optional(Type.String()),
  AddressLine1: Type.Optional(Type.String()),
  AddressLine2: Type.Optional(Type.String()),
  City: Type.Optional(Type.String()),
  StateOrRegion: Type.Optional(Type.String()),
  PostalCode: Type.Optional(Type.String()),
  CountryCode: Type.Optional(Type.String()),
  Phone: Type.Optional(Type.String()),
});

export const SpOrder = Type.Object({
  AmazonOrderId: Type.String({ minLength: 1 }),
  PurchaseDate: Type.String(),
  LastUpdateDate: Type.String(),
  OrderStatus: Type.String(),
  FulfillmentChannel: Type.Optional(Type.String()),
  MarketplaceId: Type.Optional(Type.String()),
  OrderTotal: Type.Optional(SpMoney),
  PaymentMethod: Type.Optional(Type.String()),
  ShippingAddress: Type.Optional(SpAddress),
  BuyerInfo: Type.Optional(
    Type.Object({ BuyerEmail: Type.Optional(Type.String()), BuyerName: Type.Optional(Type.String()) }),
  ),
});
export type SpOrder = Static<typeof SpOrder>;

export const SpOrderItem = Type.Object({
  OrderItemId: Type.String({ minLength: 1 }),
  SellerSKU: Type.Optional(Type.String()),
  ASIN: Type.String(),
  Title: Type.Optional(Type.String()),
  QuantityOrdered: Type.Integer({ minimum: 0 }),
  QuantityShipped: Type.Optional(Type.Integer({ minimum: 0 })),
  ItemPrice: Type.Optional(SpMoney),
  ItemTax: Type.Optional(SpMoney),
  ShippingPrice: Type.Optional(SpMoney),
  ShippingTax: Type.Optional(SpMoney),
  PromotionDiscount: Type.Optional(SpMoney),
  ShippingDiscount: Type.Optional(SpMoney),
});
export type SpOrderItem = Static<typeof SpOrderItem>;

export const GetOrdersResponse = Type.Object({
  payload: Type.Object({
    Orders: Type.Array(SpOrder),
    NextToken: Type.Optional(Type.String()),
    LastUpdatedBefore: Type.Optional(Type.String()),
    CreatedBefore: Type.Optional(Type.String()),
  }),
});
export type GetOrdersResponse = Static<typeof GetOrdersResponse>;

export const GetOrderItemsResponse = Type.Object({
  payload: Type.Object({
    AmazonOrderId: Type.String(),
    OrderItems: Type.Array(SpOrderItem),
    NextToken: Type.Optional(Type.String()),
  }),
});
export type GetOrderItemsResponse = Static<typeof GetOrderItemsResponse>;

/** Body of `POST /orders/v0/orders/{orderId}/shipmentConfirmation` (ConfirmShipmentRequest). */
export const ConfirmShipmentRequest = Type.Object(
  {
    packageDetail: Type.Object(
      {
        packageReferenceId: Type.String({ minLength: 1 }),
        carrierCode: Type.String({ minLength: 1 }),
        carrierName: Type.Optional(Type.String()),
        shippingMethod: Type.Optional(Type.String()),
        trackingNumber: Type.String({ minLength: 1 }),
        shipDate: Type.String({ format: 'date-time' }),
        orderItems: Type.Array(
          Type.Object(
            { orderItemId: Type.String({ minLength: 1 }), quantity: Type.Integer({ minimum: 1 }) },
            { additionalProperties: false },
          ),
          { minItems: 1 },
        ),
      },
      { additionalProperties: false },
    ),
    marketplaceId: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type ConfirmShipmentRequest = Static<typeof ConfirmShipmentRequest>;

/** SP-API's error body: `{ errors: [{ code, message, details }] }` (429 → `QuotaExceeded`). */
export const SpErrorList = Type.Object({
  errors: Type.Array(
    Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.String()) }),
  ),
});
