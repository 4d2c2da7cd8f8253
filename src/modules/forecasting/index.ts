import type { Module } from '../../platform/module.js';
import { type ForecastingDeps, forecastingRoutes } from './forecasting.routes.js';

/** Order-volume forecasts from the order history (no tables of its own). */
export const forecastingModule = {
  name: 'forecasting',
  routes: [forecastingRoutes],
} satisfies Module<ForecastingDeps>;
