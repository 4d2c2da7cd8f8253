import cluster from 'node:cluster';
import { superviseApiProcesses } from './cluster.js';
import { ensureAdminKey, openDatabase, prepare, serve, start, startBanner, worker } from './main.js';
import { modules } from './modules.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { ensureSandboxSecret } from './platform/provider-config.js';
import { seedDemoData } from './seed.js';

const USAGE = `usage: ordersync <command>
  start     migrate, load demo data into an empty database, serve (what npm start runs)
  serve     serve the API on an already migrated database
  worker    run the relay, the command consumer and the scheduler only (no HTTP; production)
  migrate   bring the database schema up to date
  seed      load the demo catalog, warehouses and stock`;

async function main(command: string | undefined): Promise<void> {
  // the embedded demo's sandbox secret lives in its data directory, made on the first start
  const config = ensureSandboxSecret(loadConfig());
  switch (command) {
    case 'start':
    case 'serve': {
      if (config.apiProcesses > 1 && cluster.isPrimary) {
        // Prepare once here, then fork the API processes; each of them runs this file as `serve`.
        const handle = await openDatabase(config);
        const prepared = command === 'start' ? await prepare(config, handle) : undefined;
        await handle.close();
        const { url } = await superviseApiProcesses(config);
        if (prepared) process.stdout.write(startBanner(config, url, prepared));
        return;
      }
      const running =
        command === 'start' && cluster.isPrimary
          ? await start(config)
          : await serve(config, await openDatabase(config));
      const shutdown = async (signal: string) => {
        running.app.log.info({ signal }, 'shutting down');
        await running.stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    case 'worker': {
      const running = await worker(config);
      const shutdown = async () => {
        await running.stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    case 'migrate': {
      const handle = await openDatabase(config);
      const result = await migrateToLatest(handle.db, modules);
      for (const r of result.results ?? []) console.log(`${r.status}: ${r.migrationName}`);
      const key = await ensureAdminKey(handle.db, config);
      if (key) console.log(`Admin key: ${key}   (shown once; keep it)`);
      await handle.close();
      return;
    }
    case 'seed': {
      const handle = await openDatabase(config);
      await migrateToLatest(handle.db, modules);
      console.log(await seedDemoData(handle.db));
      await handle.close();
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
