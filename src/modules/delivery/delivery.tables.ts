import type { CreatedAt, Json } from '../../platform/db/columns.js';

export interface CarrierLanesTable {
  carrier: string;
  country: string;
  /** Lower-cased; '' when the shipments named no province. */
  province: string;
  deliveries: number;
  on_time: number;
  /** Sum of shipped → delivered hours, for the mean lead time. */
  lead_hours: number;
}

export interface CarrierLanesRefreshTable {
  id: number;
  refreshed_at: Date;
}

export interface DeliveryPlansTable {
  order_id: string;
  ship_to: string;
  warehouses: string[];
  carrier: string | null;
  service: string | null;
  reason: string;
  created_at: CreatedAt;
}

export interface BinLocationsTable {
  warehouse_id: string;
  sku: string;
  location: string;
  updated_at: CreatedAt;
}

export interface PickListsTable {
  id: string;
  warehouse_id: string;
  day: string;
  shipments: Json<PickListShipment[]>;
  created_by: string;
  created_at: CreatedAt;
}

export interface PickListShipment {
  shipmentId: string;
  orderId: string;
  shipTo: string;
  /** The carrier the delivery plan chose, when there is one. */
  carrier: string | null;
}

export interface PickListLinesTable {
  pick_list_id: string;
  seq: number;
  location: string | null;
  sku: string;
  quantity: number;
  shipments: Json<Array<{ shipmentId: string; quantity: number }>>;
}

export interface PickListShipmentsTable {
  shipment_id: string;
  pick_list_id: string;
}

export interface DeliveryTables {
  carrier_lanes: CarrierLanesTable;
  carrier_lanes_refresh: CarrierLanesRefreshTable;
  delivery_plans: DeliveryPlansTable;
  bin_locations: BinLocationsTable;
  pick_lists: PickListsTable;
  pick_list_lines: PickListLinesTable;
  pick_list_shipments: PickListShipmentsTable;
}
