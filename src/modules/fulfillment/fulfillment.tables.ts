import type { CreatedAt, NullableTime } from '../../platform/db/columns.js';
import type { ShipmentStatus, TrackingStatus } from './shipment-state.js';

export interface ShipmentsTable {
  id: string;
  order_id: string;
  kind: 'order' | 'replacement';
  return_id: string | null;
  warehouse_id: string;
  ship_to: string;
  status: ShipmentStatus;
  carrier: string | null;
  tracking_number: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  shipped_at: NullableTime;
  delivered_at: NullableTime;
}

export interface ShipmentLinesTable {
  id: string;
  shipment_id: string;
  order_line_id: string;
  reservation_id: string;
  sku: string;
  quantity: number;
}

export interface TrackingEventsTable {
  id: string;
  shipment_id: string;
  occurred_at: Date | string;
  status: TrackingStatus;
  carrier_status: string | null;
  description: string;
  location: string | null;
  dedupe_key: string;
  received_at: CreatedAt;
}

export interface FulfillmentTables {
  shipments: ShipmentsTable;
  shipment_lines: ShipmentLinesTable;
  tracking_events: TrackingEventsTable;
}
