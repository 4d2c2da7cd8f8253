// `ordersync worker` with the test suite's own module plugged into the list, as a child process.
import { worker } from '../../src/main.js';
import { modules } from '../../src/modules.js';
import { loadConfig } from '../../src/platform/config.js';
import { orderLogModule } from './order-log-module.js';

await worker(loadConfig(process.env), [...modules, orderLogModule]);
